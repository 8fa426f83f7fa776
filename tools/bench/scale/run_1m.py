#!/usr/bin/env python3
"""One million vectors through the real server over HTTP (BENCHMARKS.md "One million vectors").

    python3 tools/bench/scale/make_1m.py --source "$VECTORLOGIC_DATASET_DIR" --out /tmp/minilm-1m   # once, ~9 min
    swift build -c release
    python3 tools/bench/scale/run_1m.py --vectorlogic .build/release/vectorlogic --data /tmp/minilm-1m --work /tmp/vl1m

Phases, each printed as it ends and all written to WORK/results.json:
  bodies   the upsert bodies (batches of --batch vectors, values as %.7g, metadata {"b": i % 100}) are written once to
           --cache, so that the clock measures the server and not Python's float formatting;
  ingest   `serve --durability fsync` on an empty directory, a cosine HNSW collection (m 16, ef_construction 200),
           --writers connections upserting the bodies: acked vectors/s, then the time until nothing is unindexed and
           no flush or compaction runs; a sampler records every 2 s the server's RSS, segments, memtable rows,
           flushes, compactions and disk bytes (the timeline is in results.json);
  memory   RSS once indexed and after the searches, against the raw float32 bytes (N x 384 x 4);
  search   recall@10 of all 1,000 queries per ef, then QPS / p50 / p99 at 1 and 8 connections (loadgen.c);
  filtered the same at 10% (`b < 10`) and 1% (`b == 7`) of the rows, against an exact numpy search of that subset;
  reopen   SIGTERM, then the time from spawning `serve` to the first search answered (--reopens times);
  crash    more upserts (ids N.., --writers connections), SIGKILL mid-ingest, restart: time to first answer, and every
           acknowledged id read back by id.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "http"))
import load  # noqa: E402
import run_all  # noqa: E402

COLLECTION = load.COLLECTION
BUCKETS = 100  # metadata {"b": i % 100}: `b < 10` keeps 10% of the rows, `b == 7` keeps 1%


def log(msg: str):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class ScaleData:
    """The fields of load.Dataset that recall() and search() read, without the 100k set's texts and JSON cache."""

    def __init__(self, folder: str, limit: int | None):
        self.base = np.memmap(os.path.join(folder, "base.fvecs"), dtype=np.float32, mode="r")
        dim = int(self.base[:1].view(np.int32)[0])
        self.base = self.base.reshape(-1, dim + 1)[:, 1:]
        if limit:
            self.base = self.base[:limit]
        self.n, self.dim = self.base.shape
        self.query = load.read_fvecs(os.path.join(folder, "query.fvecs"))
        self.query_json = [json.dumps(v.tolist()).encode() for v in self.query]
        self.gt = load.read_ivecs(os.path.join(folder, "groundtruth.ivecs"))
        if limit:
            self.gt = load.exact_topk(np.ascontiguousarray(self.base), self.query, 100)


def write_bodies(data: ScaleData, path: str, batch: int, first_id: int = 0, rows: range | None = None):
    """Upsert bodies, one per batch: [u32 length LE][body]. Returns (offsets, ids per body)."""
    rows = rows or range(data.n)
    if os.path.exists(path) and os.path.exists(path + ".idx.npy"):
        return np.load(path + ".idx.npy")
    tmp = path + ".tmp"
    offsets = [0]
    fmt = ",".join(["%.7g"] * data.dim)  # one C-level format per row: ~60 us, where numpy's char.mod takes ~20 ms
    t0 = time.time()
    with open(tmp, "wb") as fh:
        for start in range(rows.start, rows.stop, batch):
            block = np.asarray(data.base[start:min(start + batch, rows.stop)])
            items = []
            for j, vec in enumerate(block):
                row = start + j
                values = fmt % tuple(vec.tolist())
                items.append('{"id":"%d","values":[%s],"metadata":{"b":%d}}' % (first_id + row, values, row % BUCKETS))
            body = ('{"vectors":[' + ",".join(items) + "]}").encode()
            fh.write(body)
            offsets.append(offsets[-1] + len(body))
            if (start // batch) % 100 == 99:
                log(f"  bodies: {start + batch - rows.start} rows, {time.time() - t0:.0f} s")
    os.replace(tmp, path)
    np.save(path + ".idx.npy", np.array(offsets, dtype=np.int64))
    return np.array(offsets, dtype=np.int64)


def upsert_request(port: int, body: bytes) -> bytes:
    return load.http_request("POST", f"/v1/collections/{COLLECTION}/vectors", port, body)


def stats(conn: load.Conn) -> dict:
    """/v1/stats, the collection's row and segment counts, and the running flushes and compactions (/metrics)."""
    st = load.call_json(conn, "GET", "/v1/stats")["data"]
    info = load.call_json(conn, "GET", f"/v1/collections/{COLLECTION}", ok=(200, 404)).get("data") or {}
    status, body = conn.http(load.http_request("GET", "/metrics", conn.port))
    running = {}
    for line in body.decode().splitlines():
        for name in ("flushes_running", "compactions_running"):
            if line.startswith("vectorlogic_" + name + " "):
                running[name] = float(line.split()[1])
    return {**st, **running, "collection_vectors": info.get("vectors"), "collection_segments": info.get("segments")}


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def rss_by_mapping(pid: int) -> dict:
    """Resident bytes per kind of mapping (/proc/PID/smaps): each mapped file by its name (segment files summed by
    extension), the heap and anonymous memory, the rest. Says where RSS goes, not only how much there is."""
    kinds: dict = {}
    kind = "other"
    with open(f"/proc/{pid}/smaps") as fh:
        for line in fh:
            fields = line.split()
            if len(fields) >= 5 and "-" in fields[0] and not fields[0].endswith(":"):
                name = fields[5] if len(fields) >= 6 else ""
                if name.startswith("/"):
                    base = os.path.basename(name)
                    kind = "file:" + (base.rsplit(".", 1)[-1] if "." in base else base)
                    if "/lib" in name or name.endswith(".so") or ".so." in name or "vectorlogic" == base:
                        kind = "code and libraries"
                else:
                    kind = "anonymous" if name in ("", "[heap]") else name
            elif fields and fields[0] == "Rss:":
                kinds[kind] = kinds.get(kind, 0) + int(fields[1]) * 1024
    return dict(sorted(kinds.items(), key=lambda item: -item[1]))


def disk_bytes(folder: str) -> int:
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.stat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                pass
    return total


class Sampler(threading.Thread):
    """Every `every` seconds: RSS, engine stats, disk bytes."""

    def __init__(self, server: run_all.Server, folder: str, every: float = 2.0):
        super().__init__(daemon=True)
        self.server, self.folder, self.every = server, folder, every
        self.samples: list[dict] = []
        self.stop = threading.Event()
        self.t0 = time.perf_counter()

    def run(self):
        conn = None
        while not self.stop.is_set():
            try:
                conn = conn or load.Conn(self.server.port)
                st = stats(conn)
                self.samples.append({"t": round(time.perf_counter() - self.t0, 1), "rss": rss_bytes(self.server.pid),
                                     "disk": disk_bytes(self.folder), **{k: st.get(k) for k in (
                                         "vectors", "memtable_vectors", "unindexed_vectors", "segments", "flushes",
                                         "compactions", "flushes_running", "compactions_running", "fsyncs")}})
            except (OSError, load.ProtocolError, KeyError, ValueError):
                conn = None
            self.stop.wait(self.every)


def ingest(port: int, bodies_path: str, offsets: np.ndarray, writers: int, counted: list[int] | None = None,
           stop: threading.Event | None = None) -> dict:
    """`writers` connections, each taking the next body; returns acked rows and seconds. `counted` receives the ids'
    body indexes acknowledged (for the crash phase); `stop` ends early, quietly (the server was killed)."""
    lock = threading.Lock()
    state = {"next": 0, "acked_rows": 0, "errors": []}
    latencies: list[float] = []

    def worker():
        try:
            conn = load.Conn(port, timeout=600)
            with open(bodies_path, "rb") as fh:
                while stop is None or not stop.is_set():
                    with lock:
                        j = state["next"]
                        state["next"] += 1
                    if j >= len(offsets) - 1:
                        break
                    fh.seek(int(offsets[j]))
                    body = fh.read(int(offsets[j + 1] - offsets[j]))
                    s = time.perf_counter()
                    status, answer = conn.http(upsert_request(port, body))
                    if status != 200:
                        raise load.ProtocolError(f"upsert -> {status}: {answer[:300]!r}")
                    with lock:
                        latencies.append(time.perf_counter() - s)
                        state["acked_rows"] += body.count(b'"id":')
                        if counted is not None:
                            counted.append(j)
            conn.close()
        except (OSError, load.ProtocolError) as e:
            if stop is None or not stop.is_set():
                state["errors"].append(repr(e))

    threads = [threading.Thread(target=worker) for _ in range(writers)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if state["errors"]:
        raise load.ProtocolError(state["errors"][0])
    seconds = time.perf_counter() - t0
    lat = np.array(latencies) * 1000 if latencies else np.zeros(1)
    return {"rows": state["acked_rows"], "seconds": seconds, "vec_per_s": state["acked_rows"] / seconds,
            "request_p50_ms": float(np.percentile(lat, 50)), "request_p99_ms": float(np.percentile(lat, 99))}


IDLE_FLUSH_MINIMUM_ROWS = 10_000  # the engine's DatabaseOptions.idleFlushMinimumRows


def wait_quiet(port: int, n: int, timeout: float) -> tuple[float, dict]:
    """Seconds until the collection holds n rows, nothing is unindexed, no flush or compaction runs, and the memtable
    is too small for the idle flush (30 s after the last write) to write it: searches then run on what stays."""
    conn = load.Conn(port)
    t0 = time.perf_counter()
    st = {}
    while time.perf_counter() - t0 < timeout:
        st = stats(conn)
        if (st.get("collection_vectors") == n and st.get("unindexed_vectors") == 0
                and (st.get("memtable_vectors") or 0) < IDLE_FLUSH_MINIMUM_ROWS
                and not st.get("flushes_running") and not st.get("compactions_running")):
            conn.close()
            return time.perf_counter() - t0, st
        time.sleep(0.5)
    raise load.ProtocolError(f"not quiet after {timeout} s: {st}")


class FilteredTarget(load.VectorLogicTarget):
    """The same searches with a metadata filter."""

    def __init__(self, port: int, filter_json: bytes):
        super().__init__(port)
        self.filter_json = filter_json

    def search_request(self, qjson: bytes, ef: int) -> bytes:
        body = b'{"vector":%s,"k":%d,"ef":%d,"include_metadata":false,"filter":%s}' % (qjson, load.K, ef, self.filter_json)
        return load.http_request("POST", f"/v1/collections/{COLLECTION}/search", self.port, body)


def filtered_truth(data: ScaleData, keep: np.ndarray) -> np.ndarray:
    rows = np.nonzero(keep)[0]
    subset = np.ascontiguousarray(data.base[rows])
    return rows[load.exact_topk(subset, data.query, load.K)]


def first_answer(server: run_all.Server, query: bytes, timeout: float = 600.0) -> float:
    """Spawns the server and polls one search until it answers 200: seconds from spawn."""
    fh = open(server.logfile, "ab")
    t0 = time.perf_counter()
    server.proc = subprocess.Popen(server.argv, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    fh.close()
    run_all.STARTED.append(server)
    request = load.http_request("POST", f"/v1/collections/{COLLECTION}/search", server.port,
                                b'{"vector":%s,"k":10,"include_metadata":false}' % query)
    while time.perf_counter() - t0 < timeout:
        if server.proc.poll() is not None:
            raise RuntimeError(f"serve exited with {server.proc.returncode}; see {server.logfile}")
        try:
            conn = load.Conn(server.port, timeout=30)
            status, _ = conn.http(request)
            conn.close()
            if status == 200:
                return time.perf_counter() - t0
        except (OSError, load.ProtocolError):
            pass
        time.sleep(0.002)
    raise RuntimeError("no answer")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vectorlogic", required=True, help="release vectorlogic binary")
    ap.add_argument("--data", required=True, help="folder made by make_1m.py")
    ap.add_argument("--work", required=True)
    ap.add_argument("--cache", default="/tmp/vl1m-cache")
    ap.add_argument("--limit", type=int, default=None, help="first N rows only (smoke runs)")
    ap.add_argument("--serve-args", default="", help="extra `serve` flags, e.g. \"--vector-reads pread\"")
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--writers", type=int, default=4)
    ap.add_argument("--efs", default="32,64,128,256")
    ap.add_argument("--conns", default="1,8")
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--reopens", type=int, default=3)
    ap.add_argument("--crash-rows", type=int, default=50_000)
    ap.add_argument("--port", type=int, default=39411)
    ap.add_argument("--skip", default="", help="comma-separated phases to skip: ingest (reuse WORK), search, filtered, reopen, crash")
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    os.makedirs(args.work, exist_ok=True)
    os.makedirs(args.cache, exist_ok=True)
    results_path = os.path.join(args.work, "results.json")
    results = json.load(open(results_path)) if os.path.exists(results_path) and "ingest" in skip else {}

    def save():
        with open(results_path, "w") as fh:
            json.dump(results, fh, indent=1)

    data = ScaleData(args.data, args.limit)
    log(f"data: {data.n} x {data.dim} from {args.data}; raw float32 bytes {data.n * data.dim * 4 / 1e9:.3f} GB")
    results["machine"] = run_all.lscpu_summary()
    results["n"], results["raw_bytes"] = data.n, data.n * data.dim * 4
    results["serve_args"] = args.serve_args
    bodies = os.path.join(args.cache, f"bodies-{data.n}-{args.batch}.bin")
    offsets = write_bodies(data, bodies, args.batch)
    folder = os.path.join(args.work, "data")
    server = run_all.Server("vectorlogic", [args.vectorlogic, "serve", "--data-dir", folder, "--host", "127.0.0.1",
                                            "--port", str(args.port), "--durability", "fsync",
                                            "--embedding-provider", "none"] + args.serve_args.split(),
                            os.path.join(args.work, "serve.log"), args.port, signal.SIGTERM)
    try:
        if "ingest" not in skip:
            subprocess.run(["rm", "-rf", folder], check=True)
            os.makedirs(folder)
            server.start()
            conn = load.Conn(args.port)
            load.VectorLogicTarget(args.port).setup(conn, data.dim, 64)
            conn.close()
            sampler = Sampler(server, folder)
            sampler.start()
            acked = ingest(args.port, bodies, offsets, args.writers)
            log(f"ingest: {acked['rows']} acked in {acked['seconds']:.1f} s = {acked['vec_per_s']:.0f} vec/s")
            quiet, st = wait_quiet(args.port, data.n, timeout=7200)
            sampler.stop.set()
            sampler.join()
            results["ingest"] = {**acked, "writers": args.writers, "batch": args.batch,
                                 "seconds_until_indexed": acked["seconds"] + quiet, "final_stats": st,
                                 "disk_bytes": disk_bytes(folder), "rss_indexed": rss_bytes(server.pid),
                                 "rss_indexed_by_mapping": rss_by_mapping(server.pid),
                                 "peak_rss": max(s["rss"] for s in sampler.samples), "timeline": sampler.samples}
            log(f"indexed after {results['ingest']['seconds_until_indexed']:.1f} s; segments {st.get('segments')}, "
                f"compactions {st.get('compactions')}, disk {results['ingest']['disk_bytes'] / 1e9:.2f} GB, "
                f"RSS {results['ingest']['rss_indexed'] / 1e9:.2f} GB (peak {results['ingest']['peak_rss'] / 1e9:.2f})")
            save()
        else:
            server.start()
        target = load.VectorLogicTarget(args.port)
        efs = [int(x) for x in args.efs.split(",")]
        conns = [int(x) for x in args.conns.split(",")]
        loadgen = load.ensure_loadgen(None, args.cache)
        if "search" not in skip:
            rows = []
            for ef in efs:
                r = load.recall(target, data, ef)
                for c in conns:
                    q = load.search(target, data, ef, c, args.seconds, 1.0, server.pid, loadgen)
                    rows.append({"ef": ef, "recall": r["recall"], **q})
                    log(f"search ef {ef}: recall {r['recall']:.4f}, {c} conns {q['qps']:.0f} QPS, p50 {q['p50_ms']:.2f} ms, "
                        f"p99 {q['p99_ms']:.2f} ms, server CPU {q.get('server_cpu_per_s', 0):.2f} cores")
            results["search"] = rows
            results["rss_after_search"] = rss_bytes(server.pid)
            results["rss_after_search_by_mapping"] = rss_by_mapping(server.pid)
            log("RSS after the searches by mapping: " + ", ".join(
                f"{kind} {size / 1e6:.0f} MB" for kind, size in results["rss_after_search_by_mapping"].items()))
            save()
        if "filtered" not in skip:
            buckets = np.arange(data.n) % BUCKETS
            rows = []
            for name, keep, fjson in (("10%", buckets < 10, b'{"b":{"$lt":10}}'), ("1%", buckets == 7, b'{"b":7}')):
                truth = filtered_truth(data, keep)
                fds = type("F", (), {"query": data.query, "query_json": data.query_json, "gt": truth})()
                ftarget = FilteredTarget(args.port, fjson)
                for ef in efs[:3]:
                    r = load.recall(ftarget, fds, ef)
                    q = load.search(ftarget, fds, ef, 8, args.seconds, 1.0, server.pid, loadgen)
                    rows.append({"filter": name, "ef": ef, "recall": r["recall"], **q})
                    log(f"filtered {name} ef {ef}: recall {r['recall']:.4f}, 8 conns {q['qps']:.0f} QPS, p50 {q['p50_ms']:.2f} ms")
            results["filtered"] = rows
            save()
        if "reopen" not in skip:
            times = []
            for _ in range(args.reopens):
                server.stop()
                times.append(first_answer(server, data.query_json[0]))
                log(f"reopen after clean shutdown: first answer after {times[-1] * 1000:.0f} ms")
            results["reopen_ms"] = [t * 1000 for t in times]
            results["rss_after_reopen_first_answer"] = rss_bytes(server.pid)
            save()
        if "crash" not in skip:
            extra = os.path.join(args.cache, f"crash-{data.n}-{args.crash_rows}-{args.batch}.bin")
            crash_offsets = write_bodies(data, extra, args.batch, first_id=data.n, rows=range(0, min(args.crash_rows, data.n)))
            acked_bodies: list[int] = []
            stop = threading.Event()

            def killer():
                while len(acked_bodies) < max(1, (len(crash_offsets) - 1) // 2):
                    time.sleep(0.01)
                stop.set()  # first, so that the writers take the reset connections for the kill, not for a failure
                os.kill(server.pid, signal.SIGKILL)
            threading.Thread(target=killer, daemon=True).start()
            ingest(args.port, extra, crash_offsets, args.writers, counted=acked_bodies, stop=stop)
            server.proc.wait()
            run_all.STARTED.remove(server)
            acked_ids = [data.n + row for j in acked_bodies for row in range(j * args.batch, min((j + 1) * args.batch, args.crash_rows))]
            reopen = first_answer(server, data.query_json[0])
            conn = load.Conn(args.port, timeout=600)
            missing = 0
            for s in range(0, len(acked_ids), 10_000):
                ids = acked_ids[s:s + 10_000]
                got = load.call_json(conn, "POST", f"/v1/collections/{COLLECTION}/get",
                                     {"ids": [str(i) for i in ids], "include_metadata": False})["data"]
                missing += len(got["missing"])
            conn.close()
            results["crash"] = {"acked_rows": len(acked_ids), "reopen_first_answer_ms": reopen * 1000, "missing": missing}
            log(f"kill -9 after {len(acked_ids)} acked rows: first answer {reopen * 1000:.0f} ms after spawn, {missing} acked rows missing")
            save()
    finally:
        server.stop()
    log(f"results in {results_path}")


if __name__ == "__main__":
    main()
