#!/usr/bin/env python3
"""HTTP load generator for VectorLogic (and, with the same client, Chroma): ingest and search over real HTTP.

Runs in its own process, speaks HTTP/1.1 keep-alive over asyncio with the standard library only, and sends the same
pre-encoded JSON bodies to every server. Measures:
  - ingest: one client, batches of --batch vectors (VectorLogic acknowledges after fsync by default), vectors/s;
  - search: --concurrency connections (e.g. 1,8,64) sending the query set round-robin, QPS and p50/p99 latency,
    and recall@k against the dataset's ground truth.

Usage:
  tools/bench/http_bench.py --target vectorlogic --url http://127.0.0.1:3000 --data /work/shared/data/minilm-debian \
      [--n 100000] [--queries 1000] [--concurrency 1,8,64] [--ef 32] [--batch 256] [--k 10] [--json out.json]
  tools/bench/http_bench.py --target chroma --url http://127.0.0.1:8011 ...   (chroma run --path DIR --port 8011)
"""
import argparse
import asyncio
import json
import struct
import sys
import time


def read_vecs(path, kind, limit=None):
    out = []
    with open(path, "rb") as f:
        while limit is None or len(out) < limit:
            head = f.read(4)
            if not head:
                break
            (dim,) = struct.unpack("<i", head)
            raw = f.read(4 * dim)
            out.append(struct.unpack(f"<{dim}{kind}", raw))
    return out


def fmt(values):
    # 9 significant digits round-trip float32: what a client holding float32 embeddings sends.
    return "[" + ",".join("%.9g" % v for v in values) + "]"


class Conn:
    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def open(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def request(self, method, path, body=b""):
        if self.writer is None:
            await self.open()
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        self.writer.write(head + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("connection closed")
        status = int(status_line.split()[1])
        length, chunked = None, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value.strip())
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
        if chunked:
            data = b""
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readline()
                    break
                data += await self.reader.readexactly(size)
                await self.reader.readline()
        else:
            data = await self.reader.readexactly(length or 0)
        return status, data


class VectorLogic:
    def __init__(self, collection, ef):
        self.c, self.ef = collection, ef

    async def setup(self, conn, dim):
        await conn.request("DELETE", f"/v1/collections/{self.c}")
        s, d = await conn.request("POST", "/v1/collections", json.dumps(
            {"name": self.c, "dimension": dim, "metric": "cosine",
             "index": {"type": "hnsw", "m": 16, "ef_construction": 200, "ef_search": self.ef}}).encode())
        assert s == 201, d

    def upsert(self, start, vectors):
        items = ",".join('{"id":"%d","values":%s}' % (start + i, fmt(v)) for i, v in enumerate(vectors))
        return "POST", f"/v1/collections/{self.c}/vectors", ('{"vectors":[%s]}' % items).encode()

    def query(self, vector, k):
        return "POST", f"/v1/collections/{self.c}/search", ('{"vector":%s,"k":%d,"ef":%d,"include_metadata":false}'
                                                           % (fmt(vector), k, self.ef)).encode()

    @staticmethod
    def ids(data):
        return [int(m["id"]) for m in json.loads(data)["data"]["matches"]]

    @staticmethod
    def engine_ms(data):
        return json.loads(data)["data"]["query_time_ms"]


class Chroma:
    base = "/api/v2/tenants/default_tenant/databases/default_database/collections"

    def __init__(self, collection, ef):
        self.c, self.ef, self.cid = collection, ef, None

    async def setup(self, conn, dim):
        await conn.request("DELETE", f"{self.base}/{self.c}")
        s, d = await conn.request("POST", self.base, json.dumps(
            {"name": self.c, "configuration": {"hnsw": {"space": "cosine", "max_neighbors": 16, "ef_construction": 200,
                                                         "ef_search": self.ef}}}).encode())
        assert s in (200, 201), d
        self.cid = json.loads(d)["id"]

    def upsert(self, start, vectors):
        ids = ",".join('"%d"' % (start + i) for i in range(len(vectors)))
        embs = ",".join(fmt(v) for v in vectors)
        return "POST", f"{self.base}/{self.cid}/upsert", ('{"ids":[%s],"embeddings":[%s]}' % (ids, embs)).encode()

    def query(self, vector, k):
        return "POST", f"{self.base}/{self.cid}/query", ('{"query_embeddings":[%s],"n_results":%d,"include":["distances"]}'
                                                         % (fmt(vector), k)).encode()

    @staticmethod
    def ids(data):
        return [int(i) for i in json.loads(data)["ids"][0]]

    @staticmethod
    def engine_ms(data):
        return None


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(round(p / 100 * (len(sorted_values) - 1))))]


async def ingest(target, host, port, base, batch):
    conn = Conn(host, port)
    await target.setup(conn, len(base[0]))
    bodies = [target.upsert(i, base[i:i + batch]) for i in range(0, len(base), batch)]
    start = time.perf_counter()
    for method, path, body in bodies:
        s, d = await conn.request(method, path, body)
        assert s in (200, 201), d[:300]
    return len(base) / (time.perf_counter() - start)


async def search(target, host, port, queries, truth, k, concurrency, rounds):
    requests = [target.query(q, k) for q in queries]
    latencies, found, engine = [], [], []
    total = len(requests) * rounds
    counter = iter(range(total))

    async def worker():
        conn = Conn(host, port)
        await conn.open()
        for n in counter:
            method, path, body = requests[n % len(requests)]
            t0 = time.perf_counter()
            s, d = await conn.request(method, path, body)
            latencies.append(time.perf_counter() - t0)
            assert s == 200, d[:300]
            if n < len(requests):
                found.append((n, target.ids(d)))
                ms = target.engine_ms(d)
                if ms is not None:
                    engine.append(ms)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    latencies.sort()
    hits = sum(len(set(ids[:k]) & set(truth[n][:k])) for n, ids in found)
    return {"concurrency": concurrency, "qps": total / elapsed, "p50_ms": percentile(latencies, 50) * 1000,
            "p99_ms": percentile(latencies, 99) * 1000, "recall": hits / (k * len(found)),
            "mean_ms": sum(latencies) / len(latencies) * 1000,
            "engine_mean_ms": (sum(engine) / len(engine)) if engine else None}


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", choices=["vectorlogic", "chroma"], default="vectorlogic")
    ap.add_argument("--url", default="http://127.0.0.1:3000")
    ap.add_argument("--data", default="/work/shared/data/minilm-debian")
    ap.add_argument("--collection", default="bench")
    ap.add_argument("--n", type=int, default=100000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=1, help="passes over the query set per concurrency level")
    ap.add_argument("--concurrency", default="1,8,64")
    ap.add_argument("--ef", type=int, default=32)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--settle", type=float, default=0, help="seconds to wait after ingest (background indexing)")
    ap.add_argument("--skip-ingest", action="store_true")
    ap.add_argument("--json")
    args = ap.parse_args()
    host, port = args.url.split("//")[1].split(":")
    port = int(port)
    base = read_vecs(f"{args.data}/base.fvecs", "f", args.n)
    queries = read_vecs(f"{args.data}/query.fvecs", "f", args.queries)
    truth = [t for t in read_vecs(f"{args.data}/groundtruth.ivecs", "i", args.queries)]
    if args.n < 100000:
        # Ground truth is over all 100k; restricted to the first n rows it is recomputed by brute force.
        truth = brute_force(base, queries, args.k)
    target = (VectorLogic if args.target == "vectorlogic" else Chroma)(args.collection, args.ef)
    result = {"target": args.target, "n": len(base), "batch": args.batch, "ef": args.ef, "k": args.k}
    if args.skip_ingest:
        if args.target == "chroma":
            conn = Conn(host, port)
            s, d = await conn.request("GET", f"{Chroma.base}/{args.collection}")
            target.cid = json.loads(d)["id"]
    else:
        result["ingest_vectors_per_s"] = await ingest(target, host, port, base, args.batch)
        print(f"ingest: {result['ingest_vectors_per_s']:.0f} vectors/s", flush=True)
    if args.settle:
        time.sleep(args.settle)
    result["search"] = []
    for c in [int(x) for x in args.concurrency.split(",")]:
        r = await search(target, host, port, queries, truth, args.k, c, args.rounds)
        result["search"].append(r)
        print(f"search c={c}: {r['qps']:.0f} QPS, p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms, "
              f"recall@{args.k} {r['recall']:.3f}, mean {r['mean_ms']:.2f} ms"
              + (f" (engine {r['engine_mean_ms']:.2f} ms)" if r["engine_mean_ms"] is not None else ""), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)


def brute_force(base, queries, k):
    out = []
    for q in queries:
        scores = sorted(range(len(base)), key=lambda i: -sum(a * b for a, b in zip(q, base[i])))
        out.append(scores[:k])
    return out


if __name__ == "__main__":
    asyncio.run(main())
