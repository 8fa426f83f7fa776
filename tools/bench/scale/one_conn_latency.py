#!/usr/bin/env python3
"""Mean time per search over one keep-alive connection, queries sent one after another (no load generator).

For a quick A/B of one kind of search against an already running server, e.g. a filter at 1% of the 1M set:

    python3 tools/bench/scale/one_conn_latency.py --port 39416 --data "$DATA_1M" --filter '{"b":7}' --queries 400

The first --warmup queries are not timed. Prints milliseconds per query (client round trip, so HTTP included).
"""
import argparse
import json
import os
import socket
import time

import numpy as np

COLLECTION = "httpbench_vl"  # what run_1m.py loads


def read_answer(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
    while len(body) < length:
        body += sock.recv(65536)
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(head.split(b"\r\n")[0].decode() + " " + body[:300].decode(errors="replace"))
    return body


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--data", required=True, help="folder with query.fvecs (make_1m.py's output)")
    ap.add_argument("--filter", default=None, help="JSON filter, e.g. '{\"b\":7}'")
    ap.add_argument("--ef", type=int, default=32)
    ap.add_argument("--queries", type=int, default=400)
    ap.add_argument("--warmup", type=int, default=20)
    args = ap.parse_args()
    raw = np.fromfile(os.path.join(args.data, "query.fvecs"), dtype=np.float32)
    dim = int(raw[:1].view(np.int32)[0])
    queries = raw.reshape(-1, dim + 1)[:, 1:]
    sock = socket.create_connection(("127.0.0.1", args.port))
    filter_part = f',"filter":{args.filter}' if args.filter else ""
    start = None
    for i in range(args.warmup + args.queries):
        if i == args.warmup:
            start = time.perf_counter()
        vector = json.dumps(queries[i % len(queries)].tolist())
        body = f'{{"vector":{vector},"k":10,"ef":{args.ef}{filter_part},"include_metadata":false}}'.encode()
        sock.sendall(b"POST /v1/collections/%s/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n" % (COLLECTION.encode(), len(body)) + body)
        read_answer(sock)
    print(f"{(time.perf_counter() - start) * 1000 / args.queries:.2f} ms per query")


if __name__ == "__main__":
    main()
