"""What the admin console's live stream costs the server: CPU with 20 dashboards open, and the search p99 beside them.

Usage: python3 tools/bench/admin-live-bench.py PATH_TO_VECTORLOGIC [--dashboards 20] [--seconds 60] [--rate 200]

Starts `vectorlogic serve` on a fresh directory of a free 127.0.0.1 port (auth off, one collection of 2,000 random
384-d vectors, indexed before measuring), then runs --rounds rounds of four phases of --seconds each, interleaved so
that drift in the machine's load falls on both sides, measuring the server process's CPU (utime + stime of
/proc/PID/stat) and, where searches run, their latency as this client sees it:
  idle             nothing
  dashboards       --dashboards streams of GET /v1/admin/live, each read by its own thread
  searches         --rate searches/s (4 threads on kept-alive connections, paced)
  both             the searches and the dashboards together
Prints a Markdown table and the differences of the medians. Standard library only. Not a test: numbers depend on the
machine and what else runs on it.
"""

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import subprocess
import tempfile
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Dashboards:
    """N live streams, each drained by a thread, as N open browser tabs would."""

    def __init__(self, port, count):
        self.stop = threading.Event()
        self.frames = 0
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.read, args=(port,), daemon=True) for _ in range(count)]
        for thread in self.threads:
            thread.start()

    def read(self, port):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/v1/admin/live", headers={"Accept": "text/event-stream"})
        response = connection.getresponse()
        assert response.status == 200, response.status
        while not self.stop.is_set():
            line = response.fp.readline()
            if not line:
                return
            if line.startswith(b"event: figures"):
                with self.lock:
                    self.frames += 1
        connection.close()

    def close(self):
        self.stop.set()


def searches(port, rate, seconds, dimension):
    """`rate` searches/s for `seconds` from 4 paced threads; returns the latencies in ms."""
    latencies = []
    lock = threading.Lock()
    per_thread = rate / 4
    deadline = time.monotonic() + seconds

    def run():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        rng = random.Random()
        next_at = time.monotonic()
        mine = []
        while time.monotonic() < deadline:
            body = json.dumps({"vector": [rng.random() for _ in range(dimension)], "k": 10})
            start = time.perf_counter()
            connection.request("POST", "/v1/collections/bench/search", body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            mine.append((time.perf_counter() - start) * 1000)
            next_at += 1 / per_thread
            time.sleep(max(0, next_at - time.monotonic()))
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--dashboards", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="vl-live-bench-")
    port = free_port()
    server = subprocess.Popen([args.binary, "serve", "--data-dir", os.path.join(work, "data"), "--port", str(port),
                               "--log-level", "warning", "--durability", "batch"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout.readline().startswith("listening on")
        dimension = 384
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("POST", "/v1/collections", json.dumps({"name": "bench", "dimension": dimension}),
                           {"Content-Type": "application/json"})
        connection.getresponse().read()
        rng = random.Random(7)
        for batch in range(4):
            vectors = [{"id": f"v{batch}-{i}", "values": [rng.random() for _ in range(dimension)]} for i in range(500)]
            connection.request("POST", "/v1/collections/bench/vectors", json.dumps({"vectors": vectors}),
                               {"Content-Type": "application/json"})
            connection.getresponse().read()
        for _ in range(600):  # the background indexer done, so that it does not bill the first phase
            connection.request("GET", "/v1/stats")
            if json.loads(connection.getresponse().read())["data"].get("unindexed_vectors", 0) == 0:
                break
            time.sleep(0.5)
        time.sleep(2)
        rows = []
        for phase in ["idle", "dashboards", "searches", "both"] * args.rounds:
            dashboards = Dashboards(port, args.dashboards) if phase in ("dashboards", "both") else None
            time.sleep(1)
            before = cpu_seconds(server.pid)
            started = time.monotonic()
            if phase in ("searches", "both"):
                latencies = searches(port, args.rate, args.seconds, dimension)
            else:
                time.sleep(args.seconds)
                latencies = []
            elapsed = time.monotonic() - started
            cpu = (cpu_seconds(server.pid) - before) / elapsed * 100
            frames = dashboards.frames if dashboards else 0
            if dashboards:
                dashboards.close()
            rows.append((phase, cpu, len(latencies), percentile(latencies, 0.5), percentile(latencies, 0.99), frames))
            time.sleep(2)
        print(f"| phase ({args.seconds:.0f} s each) | server CPU, % of one core | searches | p50 ms | p99 ms | frames received |")
        print("|---|---|---|---|---|---|")
        for phase, cpu, count, p50, p99, frames in rows:
            print(f"| {phase} | {cpu:.2f} | {count} | {p50:.2f} | {p99:.2f} | {frames} |")
        def median(phase, column):
            values = sorted(row[column] for row in rows if row[0] == phase)
            return values[len(values) // 2] if len(values) % 2 else (values[len(values) // 2 - 1] + values[len(values) // 2]) / 2
        print(f"\nmedians of {args.rounds} rounds: {args.dashboards} dashboards cost "
              f"{median('dashboards', 1) - median('idle', 1):.2f}% of one core without searches, "
              f"{median('both', 1) - median('searches', 1):.2f}% with {args.rate:.0f} searches/s; search p99 "
              f"{median('searches', 4):.2f} ms alone, {median('both', 4):.2f} ms with the dashboards open "
              f"(p50 {median('searches', 3):.2f} / {median('both', 3):.2f} ms).")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
