#!/usr/bin/env python3
"""Issue-12 cost checks over real HTTP on 127.0.0.1: what TLS and the Redis rate-limit store add per request.

Loads N vectors of the shared MiniLM set into a fresh data directory once, then runs interleaved rounds of
closed-loop load at --conns connections with `reqload` (same C client for every variant):
  tls:   search, plain HTTP vs HTTPS (TLS 1.3, an openssl-made P-256 certificate);
  redis: search and GET /v1/collections/bench, --rate-limit 100000000 with in-process buckets vs
         --rate-limit-store redis://… (a local redis-server; every request is checked, none is limited).
Each variant gets a fresh server process per round; server CPU per request comes from /proc/PID/stat.

Usage: tools/bench/net/run.py --bin .build-release/release/vectorlogic --data DATASET_DIR \
           [--n 20000] [--rounds 3] [--seconds 8] [--conns 8] [--only tls|redis]
"""
import argparse
import json
import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_fvecs(path, limit):
    out = []
    with open(path, "rb") as f:
        while len(out) < limit:
            head = f.read(4)
            if not head:
                break
            (dim,) = struct.unpack("<i", head)
            out.append(struct.unpack(f"<{dim}f", f.read(4 * dim)))
    return out


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    def __init__(self, binary, data, extra=()):
        self.port = free_port()
        self.proc = subprocess.Popen([binary, "serve", "--data-dir", data, "--port", str(self.port), "--log-level", "error",
                                      "--durability", "none", *extra], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("listening on"):
            raise RuntimeError(f"server did not start: {line!r}")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=60)


def load(binary, data, n, dataset):
    server = Server(binary, data)
    try:
        base = f"http://127.0.0.1:{server.port}"
        def post(path, body):
            req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=300) as r:
                return json.loads(r.read())
        post("/v1/collections", {"name": "bench", "dimension": 384, "metric": "cosine"})
        vectors = read_fvecs(os.path.join(dataset, "base.fvecs"), n)
        for start in range(0, len(vectors), 500):
            post("/v1/collections/bench/vectors",
                 {"vectors": [{"id": f"v{start + i}", "values": list(v)} for i, v in enumerate(vectors[start:start + 500])]})
        while True:
            with urllib.request.urlopen(base + "/v1/stats", timeout=60) as r:
                if json.loads(r.read())["data"]["unindexed_vectors"] == 0:
                    break
            time.sleep(1)
    finally:
        server.stop()


def request_file(directory, name, method, path, body=None):
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    payload = b""
    if body is not None:
        payload = json.dumps(body).encode()
        head += f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
    file = os.path.join(directory, name)
    with open(file, "wb") as f:
        f.write(head.encode() + b"\r\n" + payload)
    return file


def measure(binary, data, reqload, request, mode, extra, args):
    server = Server(binary, data, extra)
    try:
        time.sleep(1)  # the store connects in the background
        cpu0 = cpu_seconds(server.proc.pid)
        out = subprocess.run([reqload, str(server.port), mode, request, str(args.conns), "1", str(args.seconds)],
                             capture_output=True, text=True, timeout=args.seconds + 120)
        cpu1 = cpu_seconds(server.proc.pid)
        result = json.loads(out.stdout)
        result["server_cpu_us_per_request"] = (cpu1 - cpu0) / max(1, result["requests"]) * 1e6
        result["loadavg"] = os.getloadavg()[0]
        return result
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--conns", type=int, default=8)
    parser.add_argument("--only", choices=["tls", "redis"])
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    work = tempfile.mkdtemp(prefix="vl-netbench-")
    reqload = os.path.join(work, "reqload")
    subprocess.run(["cc", "-O2", "-pthread", "-o", reqload, os.path.join(HERE, "reqload.c"), "-lssl", "-lcrypto"], check=True)
    data = os.path.join(work, "data")
    load(binary, data, args.n, args.data)
    query = list(read_fvecs(os.path.join(args.data, "query.fvecs"), 1)[0])
    search = request_file(work, "search.http", "POST", "/v1/collections/bench/search", {"vector": query, "k": 10})
    light = request_file(work, "light.http", "GET", "/v1/collections/bench")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", os.path.join(work, "key.pem"), "-out", os.path.join(work, "cert.pem"), "-days", "2",
                    "-subj", "/CN=localhost"], check=True, capture_output=True)
    tls = ["--tls-cert", os.path.join(work, "cert.pem"), "--tls-key", os.path.join(work, "key.pem")]
    variants = []
    if args.only in (None, "tls"):
        variants += [("search plain", search, "plain", []), ("search tls", search, "tls", tls)]
    redis = None
    if args.only in (None, "redis"):
        redis_port = free_port()
        redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
        limit = ["--rate-limit", "100000000"]
        store = limit + ["--rate-limit-store", f"redis://127.0.0.1:{redis_port}"]
        variants += [("search memory-limiter", search, "plain", limit), ("search redis-limiter", search, "plain", store),
                     ("light memory-limiter", light, "plain", limit), ("light redis-limiter", light, "plain", store)]
    results = {name: [] for name, *_ in variants}
    try:
        for round_index in range(args.rounds):
            for name, request, mode, extra in variants:
                result = measure(binary, data, reqload, request, mode, extra, args)
                results[name].append(result)
                print(json.dumps({"round": round_index + 1, "variant": name, **result}), flush=True)
    finally:
        if redis:
            redis.terminate()
            redis.wait()
    print("median of rounds:")
    for name, runs in results.items():
        print(f"  {name}: qps {statistics.median(r['qps'] for r in runs):.0f}, "
              f"p50 {statistics.median(r['p50_ms'] for r in runs):.3f} ms, p99 {statistics.median(r['p99_ms'] for r in runs):.3f} ms, "
              f"server CPU {statistics.median(r['server_cpu_us_per_request'] for r in runs):.0f} µs/request, "
              f"errors {sum(r['errors'] for r in runs)}")


if __name__ == "__main__":
    main()
