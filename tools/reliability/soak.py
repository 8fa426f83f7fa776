#!/usr/bin/env python3
"""Soak test of `vectorlogic serve` (issue 11): N minutes of mixed load on C keep-alive connections, then SIGKILL,
`vectorlogic verify`, restart, and a check that every acknowledged write is there. A benchmark script, not a unit test.

Load (each connection owns its ids, so the final state of every id is defined by its connection's acknowledged
operations): upserts of 1-20 vectors (45%), deletes of 1-5 ids (10%), searches k=10 (30%), gets (5%), scrolls of 100
(5%), counts (5%); every 60 s a snapshot (POST /v1/snapshots: a checkpoint, so flushes and compactions run) that is then
deleted. Each connection works over 2,000 ids, so the data size levels off and RSS can be judged flat after warm-up.
Values are multiples of 1/256 in [-1, 1] derived from (id, version), exact in float32, so a restart can be checked
value by value on a sample.

Reports per minute: requests, p50/p99 latency (all operations, and upserts and searches alone), 5xx and errors;
the RSS curve (sampled every 5 s); then the recovery check. Standard library only.
Usage: tools/reliability/soak.py --binary .build-release/release/vectorlogic [--minutes 10] [--connections 64]
       [--dimension 64] [--ids-per-connection 2000] [--work DIR] [--out results.json]
"""
import argparse, http.client, json, os, random, shutil, signal, subprocess, sys, tempfile, threading, time

OPS = [("upsert", 45), ("delete", 10), ("search", 30), ("get", 5), ("scroll", 5), ("count", 5)]
COLLECTION = "default"


def values_for(id_, version, dimension):
    rng = random.Random(f"{id_}/{version}")
    return [rng.randint(-256, 256) / 256.0 for _ in range(dimension)]


class Server:
    def __init__(self, binary, data_dir, dimension, log_path):
        self.binary, self.data_dir, self.dimension, self.log_path = binary, data_dir, dimension, log_path
        self.process = None
        self.port = None

    def start(self):
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [self.binary, "serve", "--data-dir", self.data_dir, "--port", "0", "--default-dimension", str(self.dimension),
             "--log-level", "warning"], stdout=subprocess.PIPE, stderr=log)
        for line in self.process.stdout:
            text = line.decode().strip()
            if text.startswith("listening on "):
                self.port = int(text.rsplit(":", 1)[1])
                return
        raise RuntimeError("the server exited before listening; see " + self.log_path)

    def rss_kib(self):
        try:
            with open(f"/proc/{self.process.pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            return None

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=300)


class Connection:
    def __init__(self, port):
        self.port = port
        self.http = None

    def request(self, method, path, body=None, timeout=60):
        for attempt in (0, 1):
            try:
                if self.http is None:
                    self.http = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
                payload = None if body is None else json.dumps(body, separators=(",", ":")).encode()
                headers = {"Content-Type": "application/json"} if payload is not None else {}
                self.http.request(method, path, body=payload, headers=headers)
                response = self.http.getresponse()
                data = response.read()
                return response.status, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as error:
                self.http = None
                if attempt == 1 or method not in ("GET",):
                    raise error  # a write that may have arrived is not resent: its outcome is unknown
            except OSError:
                self.http = None
                raise


class Stats:
    def __init__(self, start):
        self.start = start
        self.lock = threading.Lock()
        self.minutes = {}

    def record(self, op, status, latency_ms, error=None):
        minute = int((time.time() - self.start) // 60)
        with self.lock:
            bucket = self.minutes.setdefault(minute, {"latencies": {}, "count": 0, "5xx": 0, "errors": 0, "statuses": {}})
            bucket["count"] += 1
            bucket["latencies"].setdefault(op, []).append(latency_ms)
            if error is not None:
                bucket["errors"] += 1
            else:
                bucket["statuses"][status] = bucket["statuses"].get(status, 0) + 1
                if status >= 500:
                    bucket["5xx"] += 1


def quantile(values, q):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int((len(ordered) - 1) * q + 0.5))]


def worker(index, port, deadline, args, stats, expected, lock):
    rng = random.Random(index)
    connection = Connection(port)
    mine = {}  # id -> list of acceptable states: version int (present with those values) or None (absent)
    versions = {}
    names = [op for op, weight in OPS for _ in range(weight)]
    base = f"/v1/collections/{COLLECTION}"
    while time.time() < deadline:
        op = rng.choice(names)
        ids = [f"c{index}-{rng.randrange(args.ids_per_connection)}" for _ in range(rng.randint(1, 20 if op == "upsert" else 5))]
        ids = list(dict.fromkeys(ids))
        if op == "upsert":
            for id_ in ids:
                versions[id_] = versions.get(id_, 0) + 1
            body = {"vectors": [{"id": i, "values": values_for(i, versions[i], args.dimension), "metadata": {"v": versions[i]}} for i in ids]}
            method, path = "POST", base + "/vectors"
        elif op == "delete":
            method, path, body = "POST", base + "/vectors/delete", {"ids": ids}
        elif op == "search":
            method, path, body = "POST", base + "/search", {"vector": values_for("q", rng.random(), args.dimension), "k": 10}
        elif op == "get":
            method, path, body = "GET", base + "/vectors/" + ids[0], None
        elif op == "scroll":
            method, path, body = "POST", base + "/scroll", {"limit": 100}
        else:
            method, path, body = "POST", base + "/count", {}
        started = time.time()
        try:
            status, _ = connection.request(method, path, body)
            stats.record(op, status, (time.time() - started) * 1000)
        except Exception as error:  # noqa: BLE001 - every failure is counted, the run goes on
            stats.record(op, 0, (time.time() - started) * 1000, error=repr(error))
            status = None
        if op in ("upsert", "delete"):
            for id_ in ids:
                new = versions[id_] if op == "upsert" else None
                if status == 200:
                    mine[id_] = [new]
                elif status is None or status >= 500:
                    mine[id_] = mine.get(id_, [None]) + [new]  # unknown outcome: before or after
                # 4xx: refused, nothing changed
    with lock:
        expected.update(mine)


def sampler(server, deadline, rss):
    start = time.time()
    while time.time() < deadline:
        rss.append((round(time.time() - start, 1), server.rss_kib()))
        time.sleep(5)


def snapshots(port, deadline, log):
    while True:
        time.sleep(60)
        if time.time() >= deadline:
            return
        started = time.time()
        connection = Connection(port)  # a fresh one: a kept-alive connection idle for 60 s is closed by the server
        try:
            status, data = connection.request("POST", "/v1/snapshots", None, timeout=600)
            name = json.loads(data).get("data", {}).get("name") if status == 201 else None
            if name:
                connection.request("DELETE", "/v1/snapshots/" + name)
            log.append({"at_s": round(started), "status": status, "seconds": round(time.time() - started, 2)})
        except Exception as error:  # noqa: BLE001
            log.append({"at_s": round(started), "error": repr(error)})


def check_recovery(port, expected, dimension):
    connection = Connection(port)
    found = {}
    cursor = None
    while True:
        body = {"limit": 10000, "include_values": False}
        if cursor:
            body["cursor"] = cursor
        status, data = connection.request("POST", f"/v1/collections/{COLLECTION}/scroll", body, timeout=600)
        if status != 200:
            raise RuntimeError(f"scroll answered {status}: {data[:200]!r}")
        page = json.loads(data)["data"]
        for vector in page["vectors"]:
            found[vector["id"]] = (vector.get("metadata") or {}).get("v")
        cursor = page.get("next_cursor")
        if not cursor:
            break
    missing = [i for i, states in expected.items() if None not in states and i not in found]
    resurrected = [i for i, states in expected.items() if states == [None] and i in found]
    wrong_version = [i for i, states in expected.items() if i in found and found[i] not in states]
    sample = random.Random(7).sample(sorted(i for i in found if i in expected), min(500, len(found)))
    wrong_values = 0
    for id_ in sample:
        status, data = connection.request("GET", f"/v1/collections/{COLLECTION}/vectors/{id_}?include_values=true")
        vector = json.loads(data)["data"]
        if vector.get("values") != values_for(id_, vector["metadata"]["v"], dimension):
            wrong_values += 1
    acknowledged = sum(1 for states in expected.values() if len(states) == 1)
    return {"ids_tracked": len(expected), "ids_with_acknowledged_final_state": acknowledged,
            "ids_uncertain": len(expected) - acknowledged, "present_after_restart": len(found),
            "missing": len(missing), "resurrected": len(resurrected), "wrong_version": len(wrong_version),
            "values_checked": len(sample), "wrong_values": wrong_values, "lost": len(missing) + len(resurrected) + len(wrong_version),
            "examples": (missing + resurrected + wrong_version)[:10]}


def summarise(stats, rss, duration):
    minutes = []
    for minute in sorted(stats.minutes):
        if minute * 60 >= duration:
            continue  # requests that were still in flight at the deadline, not a minute of load
        bucket = stats.minutes[minute]
        every = [x for values in bucket["latencies"].values() for x in values]
        minutes.append({"minute": minute + 1, "requests": bucket["count"], "5xx": bucket["5xx"], "errors": bucket["errors"],
                        "p50_ms": round(quantile(every, 0.5), 2), "p99_ms": round(quantile(every, 0.99), 2),
                        "upsert_p99_ms": round(quantile(bucket["latencies"].get("upsert", []), 0.99) or 0, 2),
                        "search_p99_ms": round(quantile(bucket["latencies"].get("search", []), 0.99) or 0, 2),
                        "rss_mib_max": max((r for t, r in rss if r and minute * 60 <= t < (minute + 1) * 60), default=0) // 1024,
                        "statuses": bucket["statuses"]})
    return minutes


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--dimension", type=int, default=64)
    parser.add_argument("--ids-per-connection", type=int, default=2000)
    parser.add_argument("--work")
    parser.add_argument("--out")
    args = parser.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="vectorlogic-soak-")
    os.makedirs(work, exist_ok=True)
    data_dir = os.path.join(work, "data")
    shutil.rmtree(data_dir, ignore_errors=True)
    server = Server(os.path.abspath(args.binary), data_dir, args.dimension, os.path.join(work, "server.log"))
    server.start()
    start = time.time()
    deadline = start + args.minutes * 60
    stats, rss, snapshot_log, expected, lock = Stats(start), [], [], {}, threading.Lock()
    threads = [threading.Thread(target=worker, args=(i, server.port, deadline, args, stats, expected, lock)) for i in range(args.connections)]
    threads += [threading.Thread(target=sampler, args=(server, deadline, rss)),
                threading.Thread(target=snapshots, args=(server.port, deadline, snapshot_log), daemon=True)]
    for thread in threads:
        thread.start()
    for thread in threads[:-1]:
        thread.join()
    minutes = summarise(stats, rss, args.minutes * 60)
    stats_before = json.loads(Connection(server.port).request("GET", "/v1/stats")[1])["data"]
    server.kill9()
    verify = subprocess.run([server.binary, "verify", "--data-dir", data_dir], capture_output=True, text=True)
    restart_started = time.time()
    server.start()
    restart_seconds = round(time.time() - restart_started, 2)
    recovery = check_recovery(server.port, expected, args.dimension)
    server.stop()
    result = {"minutes": args.minutes, "connections": args.connections, "dimension": args.dimension,
              "per_minute": minutes, "rss_kib": rss, "snapshots": snapshot_log, "stats_before_kill": stats_before,
              "verify_exit": verify.returncode, "verify_tail": verify.stdout.strip().splitlines()[-1:],
              "restart_seconds": restart_seconds, "recovery": recovery,
              "total_requests": sum(m["requests"] for m in minutes), "total_5xx": sum(m["5xx"] for m in minutes),
              "total_errors": sum(m["errors"] for m in minutes)}
    text = json.dumps(result, indent=1)
    if args.out:
        with open(args.out, "w") as out:
            out.write(text)
    print("| minute | requests | p50 ms | p99 ms | upsert p99 | search p99 | 5xx | errors | RSS MiB (max) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for m in minutes:
        print(f"| {m['minute']} | {m['requests']} | {m['p50_ms']} | {m['p99_ms']} | {m['upsert_p99_ms']} | {m['search_p99_ms']} | "
              f"{m['5xx']} | {m['errors']} | {m['rss_mib_max']} |")
    print(json.dumps({k: result[k] for k in ("total_requests", "total_5xx", "total_errors", "verify_exit", "verify_tail",
                                                 "restart_seconds", "recovery", "snapshots")}, indent=1))
    ok = result["total_5xx"] == 0 and verify.returncode == 0 and recovery["lost"] == 0 and recovery["wrong_values"] == 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
