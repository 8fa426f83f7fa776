#!/usr/bin/env python3
"""Load generator for the HTTP benchmark: one client, three servers.

The same code drives VectorLogic (HTTP/JSON), Chroma (HTTP/JSON, its REST API v2) and Redis Stack
(RESP over TCP; it has no HTTP API): hand-written keep-alive connections on raw sockets for ingest and recall,
and the compiled epoll client `loadgen.c` for the search load (built on first use), with request bytes built
before the clock starts. Only 127.0.0.1 is ever contacted.

Phases (each bounded in time):
  ingest   create the collection/index, upsert the base vectors in batches of 256 over one connection,
           then wait until the server reports everything indexed;
  recall   every query once (8 connections), recall@10 against groundtruth.ivecs, for one ef;
  search   closed-loop load with C connections for S seconds (after a warm-up): QPS, p50/p99 latency,
           client and server CPU, and for VectorLogic the engine's own `query_time_ms`. With --batch B > 1,
           each request carries B queries (VectorLogic: POST …/search/batch; Chroma: B `query_embeddings` in
           one /query; Redis Stack has no multi-query KNN command) and `vectors_per_s` = requests/s × B.

Usable as a library (run_all.py) or from the command line against an already running server:
  load.py --target vectorlogic --port 3000 ingest --limit 10000
  load.py --target vectorlogic --port 3000 recall --ef 32
  load.py --target vectorlogic --port 3000 search --ef 32 --conns 1,8,64 --seconds 5
  load.py --target vectorlogic --port 3000 search --ef 32 --conns 8 --batch 16
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import socket
import struct
import sys
import threading
import time

import numpy as np

# The dataset directory (base.fvecs, query.fvecs, groundtruth.ivecs): --data, or VECTORLOGIC_DATASET_DIR.
DATA_DEFAULT = os.environ.get("VECTORLOGIC_DATASET_DIR")
CACHE_DEFAULT = "/tmp/httpbench/cache"
BATCH = 256
K = 10
COLLECTION = "httpbench_vl"  # unusual on purpose: other benchmarks on this machine use "bench"


# ---- data ---------------------------------------------------------------------------------


def read_fvecs(path: str, limit: int | None = None) -> np.ndarray:
    raw = np.fromfile(path, dtype=np.int32)
    dim = int(raw[0])
    rows = raw.reshape(-1, dim + 1)
    if limit is not None:
        rows = rows[:limit]
    return rows[:, 1:].copy().view(np.float32)


def read_ivecs(path: str) -> np.ndarray:
    raw = np.fromfile(path, dtype=np.int32)
    dim = int(raw[0])
    return raw.reshape(-1, dim + 1)[:, 1:].copy()


class Dataset:
    """Base/query vectors, ground truth, package names, and each vector's JSON array text.

    The JSON text of a vector is what a Python user sends: `json.dumps(vec.tolist())` (float32 values
    written as their shortest double repr, ~20 characters per number). It is built once and cached on disk
    so ingest measures the server, not the client's float formatting.
    """

    def __init__(self, data_dir: str, limit: int | None, cache_dir: str):
        self.base = read_fvecs(os.path.join(data_dir, "base.fvecs"), limit)
        self.query = read_fvecs(os.path.join(data_dir, "query.fvecs"))
        self.gt = read_ivecs(os.path.join(data_dir, "groundtruth.ivecs"))
        self.n = len(self.base)
        self.dim = self.base.shape[1]
        self.names = []
        with open(os.path.join(data_dir, "base.texts.jsonl"), "rb") as fh:
            for i, line in enumerate(fh):
                if i >= self.n:
                    break
                self.names.append(json.loads(line)["package"])
        self.base_json = self._json_cache(cache_dir, "base", self.base, data_dir)
        self.query_json = [json.dumps(v.tolist()).encode() for v in self.query]
        if self.n < 100_000:
            # ground truth from the dataset covers all 100k rows; recompute exact top-k for a subset
            self.gt = exact_topk(self.base, self.query, 100)

    @staticmethod
    def _json_cache(cache_dir: str, tag: str, vecs: np.ndarray, data_dir: str) -> list[bytes]:
        os.makedirs(cache_dir, exist_ok=True)
        st = os.stat(os.path.join(data_dir, "base.fvecs"))
        stem = os.path.join(cache_dir, f"{tag}-{st.st_size}-{int(st.st_mtime)}")
        blob_path, off_path = stem + ".json", stem + ".offsets.npy"
        if not (os.path.exists(blob_path) and os.path.exists(off_path)):
            full = read_fvecs(os.path.join(data_dir, "base.fvecs"))
            offsets = np.zeros(len(full) + 1, dtype=np.int64)
            tmp = blob_path + ".tmp"
            with open(tmp, "wb") as fh:
                pos = 0
                for i, v in enumerate(full):
                    b = json.dumps(v.tolist()).encode()
                    fh.write(b)
                    pos += len(b)
                    offsets[i + 1] = pos
            np.save(off_path, offsets)
            os.replace(tmp, blob_path)
        offsets = np.load(off_path)
        with open(blob_path, "rb") as fh:
            blob = fh.read(int(offsets[len(vecs)]))
        return [blob[offsets[i]:offsets[i + 1]] for i in range(len(vecs))]


def exact_topk(base: np.ndarray, query: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros((len(query), k), dtype=np.int64)
    for s in range(0, len(query), 100):
        sims = query[s:s + 100] @ base.T
        idx = np.argpartition(-sims, k, axis=1)[:, :k]
        part = np.take_along_axis(sims, idx, axis=1)
        order = np.argsort(-part, axis=1, kind="stable")
        out[s:s + 100] = np.take_along_axis(idx, order, axis=1)
    return out


# ---- transport: keep-alive HTTP/1.1 and RESP on raw sockets ---------------------------------


class ProtocolError(Exception):
    pass


class Conn:
    """One persistent TCP connection to 127.0.0.1 with a receive buffer."""

    def __init__(self, port: int, timeout: float = 120.0):
        self.port = port
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def _fill(self):
        chunk = self.sock.recv(262144)
        if not chunk:
            raise ProtocolError("connection closed by server")
        self.buf += chunk

    def _line(self) -> bytes:
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line = bytes(self.buf[:i])
                del self.buf[:i + 2]
                return line
            self._fill()

    def _exact(self, n: int) -> bytes:
        while len(self.buf) < n:
            self._fill()
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    # HTTP/1.1 --------------------------------------------------------------------------
    def http(self, request: bytes) -> tuple[int, bytes]:
        self.sock.sendall(request)
        return self.http_response()

    def http_response(self) -> tuple[int, bytes]:
        while True:
            i = self.buf.find(b"\r\n\r\n")
            if i >= 0:
                break
            self._fill()
        head = bytes(self.buf[:i]).decode("latin-1").split("\r\n")
        del self.buf[:i + 4]
        status = int(head[0].split(" ", 2)[1])
        length, chunked = None, False
        for h in head[1:]:
            name, _, value = h.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value.strip())
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
        if chunked:
            parts = []
            while True:
                size = int(self._line().split(b";")[0], 16)
                if size == 0:
                    while self._line():
                        pass
                    break
                parts.append(self._exact(size))
                self._line()
            return status, b"".join(parts)
        return status, self._exact(length or 0)

    # RESP2 -------------------------------------------------------------------------------
    def resp(self, request: bytes, replies: int = 1):
        self.sock.sendall(request)
        out = [self.resp_reply() for _ in range(replies)]
        return out[0] if replies == 1 else out

    def resp_reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest
        if kind == b"-":
            raise ProtocolError("redis error: " + rest.decode(errors="replace"))
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self._exact(n + 2)
            return data[:-2]
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.resp_reply() for _ in range(n)]
        raise ProtocolError(f"bad RESP line {line[:40]!r}")


def http_request(method: str, path: str, port: int, body: bytes | None = None) -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: application/json\r\n"
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + (body or b"")


def resp_command(*args) -> bytes:
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode()
        elif isinstance(a, int):
            a = str(a).encode()
        parts.append(b"$%d\r\n" % len(a))
        parts.append(a)
        parts.append(b"\r\n")
    return b"".join(parts)


def call_json(conn: Conn, method: str, path: str, payload=None, ok=(200, 201)):
    body = None if payload is None else (payload if isinstance(payload, bytes) else json.dumps(payload).encode())
    status, data = conn.http(http_request(method, path, conn.port, body))
    if status not in ok:
        raise ProtocolError(f"{method} {path} -> {status}: {data[:300]!r}")
    return json.loads(data) if data else None


# ---- targets ------------------------------------------------------------------------------


def metadata_json(i: int, name: str) -> str:
    return json.dumps({"package": name, "n": i})


class VectorLogicTarget:
    """`vectorlogic serve`: POST /v1/collections, /v1/collections/{c}/vectors, /v1/collections/{c}/search."""

    name = "vectorlogic"
    protocol = "http"

    def __init__(self, port: int):
        self.port = port

    def setup(self, conn: Conn, dim: int, ef: int):
        call_json(conn, "DELETE", f"/v1/collections/{COLLECTION}", ok=(200, 404))
        call_json(conn, "POST", "/v1/collections", {
            "name": COLLECTION, "dimension": dim, "metric": "cosine",
            "index": {"type": "hnsw", "m": 16, "ef_construction": 200, "ef_search": ef}})

    def ingest_request(self, ds: Dataset, rows: range) -> bytes:
        items = [b'{"id":"%d","values":%s,"metadata":%s}' % (i, ds.base_json[i], metadata_json(i, ds.names[i]).encode())
                 for i in rows]
        body = b'{"vectors":[' + b",".join(items) + b"]}"
        return http_request("POST", f"/v1/collections/{COLLECTION}/vectors", self.port, body)

    def check_ingest(self, status: int, body: bytes, count: int):
        if status != 200 or b'"upserted":%d' % count not in body:
            raise ProtocolError(f"ingest -> {status}: {body[:300]!r}")

    def indexed(self, conn: Conn, n: int) -> tuple[bool, dict]:
        st = call_json(conn, "GET", "/v1/stats")["data"]
        info = call_json(conn, "GET", f"/v1/collections/{COLLECTION}")["data"]
        done = info.get("vectors") == n and st.get("unindexed_vectors", 0) == 0
        return done, {"vectors": info.get("vectors"), "unindexed_vectors": st.get("unindexed_vectors"),
                      "segments": info.get("segments"), "memtable_vectors": st.get("memtable_vectors")}

    def search_request(self, qjson: bytes, ef: int) -> bytes:
        body = b'{"vector":%s,"k":%d,"ef":%d,"include_metadata":false}' % (qjson, K, ef)
        return http_request("POST", f"/v1/collections/{COLLECTION}/search", self.port, body)

    def parse_ids(self, body: bytes) -> list[int]:
        return [int(m["id"]) for m in json.loads(body)["data"]["matches"]]

    def batch_request(self, qjsons: list[bytes], ef: int) -> bytes:
        items = b",".join(b'{"vector":%s,"k":%d,"ef":%d,"include_metadata":false}' % (q, K, ef) for q in qjsons)
        return http_request("POST", f"/v1/collections/{COLLECTION}/search/batch", self.port, b'{"queries":[%s]}' % items)

    def parse_batch_ids(self, body: bytes) -> list[list[int]]:
        return [[int(m["id"]) for m in r["matches"]] for r in json.loads(body)["data"]["results"]]

    _qt = re.compile(rb'"query_time_ms":([0-9.eE+-]+)')

    def engine_ms(self, body: bytes) -> float | None:
        m = self._qt.search(body)
        return float(m.group(1)) if m else None


class ChromaTarget:
    """`chroma run` (Chroma 1.5, Rust server): REST API v2, raw HTTP with the same JSON bodies.

    ef_search is a collection setting that the running server applies only after a restart; the
    orchestrator restarts it (see run_all.py)."""

    name = "chroma"
    protocol = "http"
    prefix = "/api/v2/tenants/default_tenant/databases/default_database/collections"

    def __init__(self, port: int):
        self.port = port
        self.cid = None

    def _lookup(self, conn: Conn):
        if self.cid is None:
            self.cid = call_json(conn, "GET", f"{self.prefix}/{COLLECTION}")["id"]
        return self.cid

    def setup(self, conn: Conn, dim: int, ef: int):
        call_json(conn, "DELETE", f"{self.prefix}/{COLLECTION}", ok=(200, 404))
        col = call_json(conn, "POST", self.prefix, {
            "name": COLLECTION, "get_or_create": False,
            "configuration": {"hnsw": {"space": "cosine", "max_neighbors": 16, "ef_construction": 200,
                                       "ef_search": ef}}})
        self.cid = col["id"]

    def set_ef(self, conn: Conn, ef: int):
        call_json(conn, "PUT", f"{self.prefix}/{self._lookup(conn)}",
                  {"new_configuration": {"hnsw": {"ef_search": ef}}})

    def current_ef(self, conn: Conn) -> int:
        col = call_json(conn, "GET", f"{self.prefix}/{COLLECTION}")
        return int(col["configuration_json"]["hnsw"]["ef_search"])

    def ingest_request(self, ds: Dataset, rows: range) -> bytes:
        ids = b",".join(b'"%d"' % i for i in rows)
        embs = b",".join(ds.base_json[i] for i in rows)
        metas = ",".join(metadata_json(i, ds.names[i]) for i in rows).encode()
        body = b'{"ids":[%s],"embeddings":[%s],"metadatas":[%s]}' % (ids, embs, metas)
        return http_request("POST", f"{self.prefix}/{self.cid}/add", self.port, body)

    def check_ingest(self, status: int, body: bytes, count: int):
        if status not in (200, 201):
            raise ProtocolError(f"ingest -> {status}: {body[:300]!r}")

    def indexed(self, conn: Conn, n: int) -> tuple[bool, dict]:
        count = call_json(conn, "GET", f"{self.prefix}/{self._lookup(conn)}/count")
        return count == n, {"count": count}

    def search_request(self, qjson: bytes, ef: int) -> bytes:
        body = b'{"query_embeddings":[%s],"n_results":%d,"include":[]}' % (qjson, K)
        return http_request("POST", f"{self.prefix}/{self.cid}/query", self.port, body)

    def prepare(self, conn: Conn):
        self._lookup(conn)

    def parse_ids(self, body: bytes) -> list[int]:
        return [int(x) for x in json.loads(body)["ids"][0]]

    def batch_request(self, qjsons: list[bytes], ef: int) -> bytes:
        body = b'{"query_embeddings":[%s],"n_results":%d,"include":[]}' % (b",".join(qjsons), K)
        return http_request("POST", f"{self.prefix}/{self.cid}/query", self.port, body)

    def parse_batch_ids(self, body: bytes) -> list[list[int]]:
        return [[int(x) for x in ids] for ids in json.loads(body)["ids"]]

    def engine_ms(self, body: bytes):
        return None


class RedisTarget:
    """Redis Stack (RediSearch): RESP on a raw socket. HSET pipelines of 256 for ingest; FT.SEARCH KNN with EF_RUNTIME."""

    name = "redis"
    protocol = "resp"

    def __init__(self, port: int):
        self.port = port

    def setup(self, conn: Conn, dim: int, ef: int):
        conn.resp(resp_command("FLUSHALL"))
        conn.resp(resp_command("FT.CREATE", "httpbench_idx", "ON", "HASH", "PREFIX", "1", "v:", "SCHEMA",
                               "package", "TAG", "n", "NUMERIC",
                               "vec", "VECTOR", "HNSW", "10", "TYPE", "FLOAT32", "DIM", str(dim),
                               "DISTANCE_METRIC", "COSINE", "M", "16", "EF_CONSTRUCTION", "200"))

    def ingest_request(self, ds: Dataset, rows: range) -> bytes:
        return b"".join(resp_command("HSET", f"v:{i}", "vec", ds.base[i].tobytes(), "package", ds.names[i], "n", str(i))
                        for i in rows)

    def info(self, conn: Conn) -> dict:
        raw = conn.resp(resp_command("FT.INFO", "httpbench_idx"))
        return {(a.decode() if isinstance(a, bytes) else a): b for a, b in zip(raw[0::2], raw[1::2])}

    def indexed(self, conn: Conn, n: int) -> tuple[bool, dict]:
        d = self.info(conn)
        num = int(d["num_docs"])
        pct = float(d.get("percent_indexed", b"1"))
        return num == n and pct >= 1.0, {"num_docs": num, "percent_indexed": pct}

    def search_request(self, qbytes: bytes, ef: int) -> bytes:
        return resp_command("FT.SEARCH", "httpbench_idx", f"*=>[KNN {K} @vec $B EF_RUNTIME {ef} AS s]",
                            "PARAMS", "2", "B", qbytes, "SORTBY", "s", "LIMIT", "0", str(K),
                            "RETURN", "1", "s", "DIALECT", "2")

    @staticmethod
    def ids_from_reply(reply) -> list[int]:
        return [int(x.decode().split(":", 1)[1]) for x in reply[1::2]]


TARGETS = {"vectorlogic": VectorLogicTarget, "chroma": ChromaTarget, "redis": RedisTarget}


def batch_groups(n: int, batch: int) -> list[list[int]]:
    """Query indexes per request: consecutive groups of `batch`, wrapping around, so that every query is used and
    there are at least n / batch distinct requests to cycle through."""
    count = max(1, math.ceil(n / batch))
    return [[(j * batch + i) % n for i in range(batch)] for j in range(count)]


def search_requests(target, ds: Dataset, ef: int, batch: int = 1) -> list[bytes]:
    if batch > 1:
        if not hasattr(target, "batch_request"):
            raise ProtocolError(f"{target.name} has no multi-query search request")
        return [target.batch_request([ds.query_json[i] for i in group], ef) for group in batch_groups(len(ds.query_json), batch)]
    if target.protocol == "resp":
        return [target.search_request(q.tobytes(), ef) for q in ds.query]
    return [target.search_request(q, ef) for q in ds.query_json]


def one_search(target, conn: Conn, request: bytes) -> tuple[bytes, list | None]:
    """Sends one prepared search; returns (raw answer, parsed RESP reply or None). Raises on non-200."""
    if target.protocol == "resp":
        reply = conn.resp(request)
        return b"", reply
    status, body = conn.http(request)
    if status != 200:
        raise ProtocolError(f"search -> {status}: {body[:300]!r}")
    return body, None


def ids_of(target, body: bytes, reply) -> list[int]:
    return RedisTarget.ids_from_reply(reply) if target.protocol == "resp" else target.parse_ids(body)


# ---- server CPU from /proc ------------------------------------------------------------------


def tree_cpu_seconds(pid: int | None) -> float | None:
    """utime+stime of a process and all its descendants (all threads), in seconds."""
    if not pid:
        return None
    tick = os.sysconf("SC_CLK_TCK")
    parents, cpu = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        total += cpu.get(p, 0.0)
        todo.extend(c for c, pp in parents.items() if pp == p)
    return total


def loadavg() -> float:
    with open("/proc/loadavg") as fh:
        return float(fh.read().split()[0])


# ---- phases ---------------------------------------------------------------------------------


def ingest(target, ds: Dataset, ef: int, index_timeout: float = 600.0, log=print) -> dict:
    """Creates the collection and upserts every base vector over ONE keep-alive connection, batches of 256.
    Request bodies are built in a second thread one batch ahead, so the server never waits on the client's
    JSON assembly. Returns acked vectors/s and the time until the server reports everything indexed."""
    conn = Conn(target.port)
    target.setup(conn, ds.dim, ef)
    batches = [range(s, min(s + BATCH, ds.n)) for s in range(0, ds.n, BATCH)]
    ready: list = [None] * len(batches)
    built = [threading.Event() for _ in batches]

    def builder():
        for j, rows in enumerate(batches):
            ready[j] = target.ingest_request(ds, rows)
            built[j].set()

    threading.Thread(target=builder, daemon=True).start()
    built[0].wait()
    lat = []
    load0 = loadavg()
    t0 = time.perf_counter()
    for j, rows in enumerate(batches):
        built[j].wait()
        req = ready[j]
        ready[j] = None
        s = time.perf_counter()
        if target.protocol == "resp":
            conn.resp(req, replies=len(rows))
        else:
            status, body = conn.http(req)
            target.check_ingest(status, body, len(rows))
        lat.append(time.perf_counter() - s)
        if j % 50 == 49:
            log(f"  {target.name}: {rows.stop} vectors, {rows.stop / (time.perf_counter() - t0):.0f} vec/s")
    acked = time.perf_counter() - t0
    state = {}
    while time.perf_counter() - t0 < acked + index_timeout:
        done, state = target.indexed(conn, ds.n)
        if done:
            break
        time.sleep(0.5)
    else:
        raise ProtocolError(f"{target.name}: not fully indexed after {index_timeout} s: {state}")
    indexed = time.perf_counter() - t0
    conn.close()
    lat_ms = np.array(lat) * 1000
    return {"vectors": ds.n, "batch": BATCH, "seconds": acked, "vec_per_s": ds.n / acked,
            "batch_p50_ms": float(np.percentile(lat_ms, 50)), "batch_p99_ms": float(np.percentile(lat_ms, 99)),
            "seconds_until_indexed": indexed, "index_state": state, "loadavg": load0}


def recall(target, ds: Dataset, ef: int, conns: int = 8, batch: int = 1) -> dict:
    """Every query once over `conns` connections; mean recall@10 against the ground truth. With `batch` > 1 the
    queries go in multi-query requests, so the recall of the batch route is measured, not assumed."""
    reqs = search_requests(target, ds, ef, batch)
    groups = batch_groups(len(ds.query_json), batch) if batch > 1 else [[i] for i in range(len(reqs))]
    found: list = [None] * len(ds.query_json)
    errors = []

    def worker(w: int):
        try:
            conn = Conn(target.port)
            for i in range(w, len(reqs), conns):
                body, reply = one_search(target, conn, reqs[i])
                answers = target.parse_batch_ids(body) if batch > 1 else [ids_of(target, body, reply)]
                if len(answers) != len(groups[i]):
                    raise ProtocolError(f"{target.name}: {len(answers)} answers to {len(groups[i])} queries")
                for q, ids in zip(groups[i], answers):
                    found[q] = ids
            conn.close()
        except Exception as e:  # reported below
            errors.append(repr(e))

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(conns)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise ProtocolError(f"{target.name} recall: {errors[0]}")
    hits = sum(len(set(f[:K]) & set(ds.gt[i][:K].tolist())) for i, f in enumerate(found))
    return {"ef": ef, "batch": batch, "recall": hits / (K * len(found)), "queries": len(found),
            "seconds": time.perf_counter() - t0}


def ensure_loadgen(path: str | None = None, folder: str = CACHE_DEFAULT) -> str:
    """The compiled loadgen.c: `path` when given, else built once into `folder` (cc -O2 -pthread). The search load
    always goes through it: a Python client costs ~150 us of CPU per request, a large share of the 2 cores the server
    also needs, so it measured the client rather than the server."""
    if path:
        return path
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "loadgen.c")
    binary = os.path.join(folder, "loadgen")
    if not os.path.exists(binary) or os.path.getmtime(binary) < os.path.getmtime(source):
        import subprocess
        os.makedirs(folder, exist_ok=True)
        subprocess.run(["cc", "-O2", "-pthread", "-o", binary, source], check=True)
    return binary


def search(target, ds: Dataset, ef: int, conns: int, seconds: float, warmup: float = 1.0,
           server_pid: int | None = None, loadgen: str | None = None, batch: int = 1) -> dict:
    """Closed-loop search load with `conns` keep-alive connections through the compiled `loadgen` (epoll,
    min(conns, 2) threads), built on first use when no binary is given; `batch` queries per request."""
    res = search_native(target, ds, ef, conns, seconds, warmup, server_pid, ensure_loadgen(loadgen), batch)
    res["batch"] = batch
    res["vectors_per_s"] = res["qps"] * batch
    if batch > 1:
        # loadgen sums the first `query_time_ms` of an answer: for a batch that is one query's, not the request's.
        res.pop("engine_mean_ms", None)
    return res


def search_native(target, ds: Dataset, ef: int, conns: int, seconds: float, warmup: float,
                  server_pid: int | None, loadgen: str, batch: int = 1) -> dict:
    import resource
    import subprocess
    import tempfile
    reqs = search_requests(target, ds, ef, batch)
    with tempfile.TemporaryDirectory(prefix="httpbench-") as tmp:
        rpath, lpath = os.path.join(tmp, "requests.bin"), os.path.join(tmp, "latencies.bin")
        with open(rpath, "wb") as fh:
            for r in reqs:
                fh.write(struct.pack("<I", len(r)))
                fh.write(r)
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.Popen([loadgen, str(target.port), target.protocol, rpath, str(conns), str(min(conns, 2)),
                                 str(warmup + 0.02 * conns), str(seconds), lpath], stdout=subprocess.PIPE, text=True)
        time.sleep(warmup + 0.02 * conns)
        load0 = loadavg()
        cpu0 = tree_cpu_seconds(server_pid)
        t0 = time.perf_counter()
        time.sleep(seconds)
        cpu1 = tree_cpu_seconds(server_pid)
        span = time.perf_counter() - t0
        try:
            out, _ = proc.communicate(timeout=seconds + 120)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise ProtocolError(f"{target.name} search c={conns}: loadgen did not finish")
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        info = json.loads(out.strip().splitlines()[-1])
        lat = np.fromfile(lpath, dtype="<f8")
    if proc.returncode != 0 or info["bad_status"]:
        raise ProtocolError(f"{target.name} search c={conns}: {info}")
    n = len(lat)
    client_cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    res = {"ef": ef, "conns": conns, "seconds": seconds, "requests": n, "qps": n / seconds,
           "p50_ms": float(np.percentile(lat, 50)) if n else math.nan,
           "p99_ms": float(np.percentile(lat, 99)) if n else math.nan,
           "mean_ms": float(lat.mean()) if n else math.nan,
           "client_cpu_per_s": client_cpu / (seconds + warmup), "loadavg": load0, "client": "loadgen"}
    if cpu0 is not None and cpu1 is not None and n:
        res["server_cpu_ms_per_req"] = (cpu1 - cpu0) * 1000 / (n * span / seconds)
        res["server_cpu_per_s"] = (cpu1 - cpu0) / span
    if info["engine_n"]:
        res["engine_mean_ms"] = info["engine_sum_ms"] / info["engine_n"]
    return res


def fixed_request_cpu(port: int, request: bytes, conns: int, seconds: float, server_pid: int | None,
                      loadgen: str) -> dict:
    """Replays one fixed HTTP request (e.g. GET /health: the HTTP framework's floor) through loadgen."""
    class _Fixed:
        name, protocol = "fixed", "http"

        def __init__(self):
            self.port = port

        def search_request(self, q, ef):
            return request
    ds = type("D", (), {"query_json": [b""]})()
    return search_native(_Fixed(), ds, 0, conns, seconds, 0.5, server_pid, loadgen)


# ---- command line -------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--target", choices=sorted(TARGETS), required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--data", default=DATA_DEFAULT, required=DATA_DEFAULT is None)
    ap.add_argument("--cache", default=CACHE_DEFAULT)
    ap.add_argument("--limit", type=int, default=None, help="use only the first N base vectors")
    ap.add_argument("--server-pid", type=int, default=None, help="to measure the server's CPU per request")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("ingest")
    p.add_argument("--ef", type=int, default=64, help="collection ef_search (Chroma only uses this)")
    p = sub.add_parser("recall")
    p.add_argument("--ef", type=int, required=True)
    p = sub.add_parser("search")
    p.add_argument("--ef", type=int, required=True)
    p.add_argument("--conns", default="1,8,64")
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--batch", type=int, default=1, help="queries per request (VectorLogic, Chroma)")
    p.add_argument("--loadgen", default=None, help="compiled loadgen.c (default: built into --cache on first use)")
    args = ap.parse_args()
    target = TARGETS[args.target](args.port)
    ds = Dataset(args.data, args.limit, args.cache)
    if hasattr(target, "prepare"):
        c = Conn(args.port)
        if args.cmd != "ingest":
            target.prepare(c)
        c.close()
    if args.cmd == "ingest":
        res = ingest(target, ds, args.ef, log=lambda m: print(m, file=sys.stderr))
    elif args.cmd == "recall":
        res = recall(target, ds, args.ef)
    else:
        loadgen = ensure_loadgen(args.loadgen, args.cache)
        res = [search(target, ds, args.ef, int(c), args.seconds, server_pid=args.server_pid, loadgen=loadgen,
                      batch=args.batch)
               for c in args.conns.split(",")]
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
