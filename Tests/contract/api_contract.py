#!/usr/bin/env python3
"""Black-box contract test of `vectorlogic serve` against the API it documents (/openapi.json, README) and its command line.

Starts the real executable on a free port of 127.0.0.1 with a fresh data directory, speaks plain HTTP with the
standard library only, and checks status codes, envelopes, error codes and persistence across a restart.
Usage: api_contract.py PATH_TO_VECTORLOGIC. Prints 'N passed, N failed' and exits non-zero on any failure.
"""
import json
import math
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/vectorlogic")
TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data_dir, dimension=4, extra=()):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        args = [BIN, "serve", "--data-dir", data_dir, "--port", str(self.port),
                "--default-dimension", str(dimension), *extra]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        self.lines = []
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"server exited: {self.proc.wait()} {self.proc.stderr.read()[-2000:]}")
            self.lines.append(line)
            if line.startswith("listening on "):
                assert line.strip() == f"listening on http://127.0.0.1:{self.port}", line
                return
        raise RuntimeError("server did not print 'listening on'")

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()

    def call(self, method, path, body=None, raw=None, headers=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        hdrs = {"Content-Type": "application/json"} if data is not None else {}
        hdrs.update(headers or {})
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                text = r.read()
                return r.status, (json.loads(text) if text and r.headers.get_content_type() == "application/json" else text), r.headers
        except urllib.error.HTTPError as e:
            text = e.read()
            try:
                parsed = json.loads(text)
            except Exception:
                parsed = text
            return e.code, parsed, e.headers


def ok(resp, status=200):
    code, body, _ = resp
    assert code == status, f"expected {status}, got {code}: {body}"
    assert isinstance(body, dict) and body.get("status") == "success", body
    assert "data" in body, body
    return body


def err(resp, status, code=None):
    got, body, _ = resp
    assert got == status, f"expected {status}, got {got}: {body}"
    assert isinstance(body, dict) and body.get("status") == "error", body
    assert isinstance(body.get("error"), str) and isinstance(body.get("message"), str), body
    if code:
        assert body["error"] == code, f"expected error {code}, got {body['error']}"
    text = json.dumps(body)
    for leak in ("/work", "/tmp", ".swift", "Swift.", "EngineError", "Fatal"):
        assert leak not in text, f"error body leaks {leak}: {text}"
    return body


def unit(v):
    n = math.sqrt(sum(x * x for x in v))
    return [x / n for x in v]


@test
def health_ready_metrics_openapi(s):
    code, body, _ = s.call("GET", "/health")
    assert code == 200 and body == {"status": "ok"}, body
    assert s.call("GET", "/ready")[0] == 200
    code, text, headers = s.call("GET", "/metrics")
    assert code == 200 and b"# TYPE" in text, text[:200]
    code, doc, _ = s.call("GET", "/openapi.json")
    assert code == 200 and str(doc.get("openapi", "")).startswith("3.1"), doc
    for path in ("/v1/collections", "/v1/collections/{c}/search", "/health"):
        assert any(p.replace("{collection}", "{c}").replace("{name}", "{c}") == path for p in doc["paths"]), path
    ok(s.call("GET", "/v1/stats"))


@test
def collections_lifecycle(s):
    body = ok(s.call("POST", "/v1/collections", {"name": "c1", "dimension": 3, "metric": "euclidean",
                                                  "index": {"type": "hnsw", "m": 8, "ef_construction": 64, "ef_search": 32}}), 201)
    assert body["data"]["name"] == "c1" and body["data"]["dimension"] == 3 and body["data"]["metric"] == "euclidean"
    err(s.call("POST", "/v1/collections", {"name": "c1", "dimension": 3}), 409, "conflict")
    err(s.call("POST", "/v1/collections", {"name": "bad name!", "dimension": 3}), 400)
    err(s.call("POST", "/v1/collections", {"name": "c2", "dimension": 0}), 400)
    err(s.call("POST", "/v1/collections", {"name": "c2", "dimension": 20001}), 400)
    err(s.call("POST", "/v1/collections", {"name": "c2", "dimension": 3, "metric": "manhattan"}), 400)
    err(s.call("POST", "/v1/collections", {"name": "c2", "dimension": 3, "index": {"type": "lsh"}}), 400)
    listed = ok(s.call("GET", "/v1/collections"))["data"]
    assert isinstance(listed, list), listed
    names = [c["name"] for c in listed]
    assert "c1" in names and "default" in names, names
    info = ok(s.call("GET", "/v1/collections/c1"))["data"]
    for key in ("name", "dimension", "metric", "index", "vectors", "deleted", "segments", "disk_bytes"):
        assert key in info, (key, info)
    err(s.call("GET", "/v1/collections/nope"), 404, "not_found")
    ok(s.call("DELETE", "/v1/collections/c1"))
    err(s.call("GET", "/v1/collections/c1"), 404, "not_found")


@test
def vectors_crud_and_search(s):
    ok(s.call("POST", "/v1/collections", {"name": "v", "dimension": 3, "metric": "cosine"}), 201)
    vecs = [{"id": "a", "values": [1, 0, 0], "metadata": {"n": 1, "tag": "x", "html": "<b>&</b>"}},
            {"id": "b", "values": [0, 1, 0], "metadata": {"n": 5, "tag": "y"}},
            {"id": "c", "values": [0.7, 0.7, 0.1], "metadata": {"n": 9, "tag": "x"}}]
    assert ok(s.call("POST", "/v1/collections/v/vectors", {"vectors": vecs}))["data"] == {"upserted": 3}
    listed = ok(s.call("POST", "/v1/collections/v/vectors?return_ids=true", {"vectors": vecs[:2]}))["data"]
    assert listed == {"upserted": 2, "ids": ["a", "b"]}, listed
    got = ok(s.call("GET", "/v1/collections/v/vectors/a?include_values=true"))["data"]
    assert got["id"] == "a" and got["metadata"] == {"n": 1, "tag": "x", "html": "<b>&</b>"}, got
    assert got["values"] == [1, 0, 0], got
    res = ok(s.call("POST", "/v1/collections/v/search", {"vector": [1, 0, 0], "k": 2}))
    matches = res["data"]["matches"]
    assert [m["id"] for m in matches] == ["a", "c"], matches
    assert abs(matches[0]["score"] - 1.0) < 1e-5 and matches[0]["score"] >= matches[1]["score"]
    assert res["meta"]["count"] == 2, res
    filt = ok(s.call("POST", "/v1/collections/v/search", {"vector": [0, 1, 0], "k": 3, "filter": {"tag": "x"}}))
    assert {m["id"] for m in filt["data"]["matches"]} == {"a", "c"}, filt
    thr = ok(s.call("POST", "/v1/collections/v/search", {"vector": [1, 0, 0], "k": 3, "threshold": 0.9}))
    assert [m["id"] for m in thr["data"]["matches"]] == ["a"], thr
    rng = ok(s.call("POST", "/v1/collections/v/search", {"vector": [1, 0, 0], "k": 3, "filter": {"n": {"$gte": 5}}}))
    assert {m["id"] for m in rng["data"]["matches"]} == {"b", "c"}
    # PUT replaces (and creates), PATCH merges metadata and keeps values
    ok(s.call("PUT", "/v1/collections/v/vectors/d", {"values": [0, 0, 1], "metadata": {"k": 1}}))
    ok(s.call("PATCH", "/v1/collections/v/vectors/d", {"metadata": {"j": 2}}))
    d = ok(s.call("GET", "/v1/collections/v/vectors/d?include_values=true"))["data"]
    assert d["metadata"] == {"k": 1, "j": 2} and d["values"] == [0, 0, 1], d
    assert ok(s.call("POST", "/v1/collections/v/count", {}))["data"]["count"] == 4
    assert ok(s.call("POST", "/v1/collections/v/count", {"filter": {"tag": "x"}}))["data"]["count"] == 2
    assert ok(s.call("DELETE", "/v1/collections/v/vectors/d"))["data"]["deleted"] == 1
    err(s.call("DELETE", "/v1/collections/v/vectors/d"), 404, "not_found")
    err(s.call("GET", "/v1/collections/v/vectors/d"), 404, "not_found")
    assert ok(s.call("POST", "/v1/collections/v/vectors/delete", {"filter": {"n": {"$gt": 8}}}))["data"]["deleted"] == 1
    assert ok(s.call("POST", "/v1/collections/v/vectors/delete", {"ids": ["a", "zz"]}))["data"]["deleted"] == 1
    left = ok(s.call("POST", "/v1/collections/v/search", {"vector": [1, 0, 0], "k": 10}))["data"]["matches"]
    assert [m["id"] for m in left] == ["b"], left


@test
def batch_search_and_get_many(s):
    """Issue 14: POST …/search/batch answers each query as POST …/search does, in order; a bad item is a 400 naming
    its index; POST …/get answers ids in order with the missing ones reported."""
    ok(s.call("POST", "/v1/collections", {"name": "bt", "dimension": 3, "index": {"type": "flat"}}), 201)
    vecs = [{"id": f"r{i}", "values": [math.cos(i / 7), math.sin(i / 7), (i % 5) / 5], "metadata": {"n": i, "even": i % 2 == 0}}
            for i in range(40)]
    ok(s.call("POST", "/v1/collections/bt/vectors", {"vectors": vecs}))
    queries = [{"vector": vecs[3]["values"], "k": 2},
               {"vector": vecs[20]["values"], "k": 5, "filter": {"even": True}},
               {"vector": vecs[11]["values"], "limit": 3, "threshold": 0.9, "include_values": True},
               {"vector": vecs[39]["values"], "k": 1, "include_metadata": False, "ef": 16}]
    batch = ok(s.call("POST", "/v1/collections/bt/search/batch", {"queries": queries}))
    results = batch["data"]["results"]
    assert len(results) == len(queries) and batch["meta"]["count"] == len(queries), batch
    for query, result in zip(queries, results):
        single = ok(s.call("POST", "/v1/collections/bt/search", query))["data"]["matches"]
        assert result["matches"] == single, (query, result, single)
    assert [r["matches"][0]["id"] for r in results] == ["r3", "r20", "r11", "r39"], results
    assert "metadata" not in results[3]["matches"][0] and "values" in results[2]["matches"][0], results
    bad = err(s.call("POST", "/v1/collections/bt/search/batch",
                     {"queries": [queries[0], {"vector": [1, 0], "k": 1}, queries[1]]}), 400, "dimension_mismatch")
    assert bad["details"]["item"] == 1 and bad["message"].startswith("queries[1]: "), bad
    over = err(s.call("POST", "/v1/collections/bt/search/batch", {"queries": [queries[0]] * 257}), 400, "invalid_request")
    assert over["details"]["limit"] == "max_search_batch" and over["details"]["max"] == 256, over
    err(s.call("POST", "/v1/collections/bt/search/batch", {"queries": []}), 400, "invalid_request")
    err(s.call("POST", "/v1/collections/nope/search/batch", {"queries": [queries[0]]}), 404, "not_found")
    got = ok(s.call("POST", "/v1/collections/bt/get", {"ids": ["r5", "zz", "r0", "r5"], "include_values": True}))
    vectors = got["data"]["vectors"]
    assert [v and v["id"] for v in vectors] == ["r5", None, "r0", "r5"], got
    assert vectors[0]["metadata"] == {"n": 5, "even": False} and len(vectors[0]["values"]) == 3, got
    assert got["data"]["missing"] == ["zz"] and got["meta"]["count"] == 3 and got["meta"]["missing"] == 1, got
    bare = ok(s.call("POST", "/v1/collections/bt/get", {"ids": ["r1"], "include_metadata": False}))["data"]["vectors"][0]
    assert bare == {"id": "r1"}, bare
    bad_id = err(s.call("POST", "/v1/collections/bt/get", {"ids": ["r1", "no spaces"]}), 400, "invalid_request")
    assert bad_id["details"]["item"] == 1, bad_id
    err(s.call("POST", "/v1/collections/bt/get", {"ids": ["r1"] * 10001}), 400, "invalid_request")
    ok(s.call("DELETE", "/v1/collections/bt"))


@test
def scroll_pages_cover_everything_once(s):
    ok(s.call("POST", "/v1/collections", {"name": "sc", "dimension": 2, "metric": "dot"}), 201)
    ids = [f"id-{i:03d}" for i in range(250)]
    ok(s.call("POST", "/v1/collections/sc/vectors",
              {"vectors": [{"id": i, "values": [random.random(), random.random()], "metadata": {"i": n}} for n, i in enumerate(ids)]}))
    seen, cursor, pages = [], None, 0
    while True:
        body = {"limit": 100}
        if cursor:
            body["cursor"] = cursor
        page = ok(s.call("POST", "/v1/collections/sc/scroll", body))["data"]
        seen += [v["id"] for v in page["vectors"]]
        cursor = page.get("next_cursor")
        pages += 1
        if not cursor:
            break
        assert pages < 10
    assert sorted(seen) == ids and len(seen) == len(set(seen)), len(seen)
    half = ok(s.call("POST", "/v1/collections/sc/scroll", {"limit": 1000, "filter": {"i": {"$lt": 10}}}))["data"]
    assert len(half["vectors"]) == 10


@test
def bad_input_is_rejected_and_changes_nothing(s):
    ok(s.call("POST", "/v1/collections", {"name": "bad", "dimension": 3}), 201)
    good = {"id": "g", "values": [1, 2, 3]}
    err(s.call("POST", "/v1/collections/bad/vectors", {"vectors": [good, {"id": "h", "values": [1, 2]}]}), 400, "dimension_mismatch")
    err(s.call("POST", "/v1/collections/bad/vectors", {"vectors": [good, {"id": "h", "values": [1, "x", 3]}]}), 400)
    err(s.call("POST", "/v1/collections/bad/vectors", {"vectors": [good, {"id": "h", "values": [1, None, 3]}]}), 400)
    err(s.call("POST", "/v1/collections/bad/vectors", raw=b'{"vectors":[{"id":"h","values":[1,NaN,3]}]}'), 400)
    err(s.call("POST", "/v1/collections/bad/vectors", raw=b'{"vectors":[{"id":"h","values":[1,Infinity,3]}]}'), 400)
    err(s.call("POST", "/v1/collections/bad/vectors", raw=b'{"vectors":[{"id":"h","values":[1,1e39,3]}]}'), 400)
    err(s.call("POST", "/v1/collections/bad/vectors", raw=b'{"vectors":[{"id":"h",'), 400)
    err(s.call("POST", "/v1/collections/bad/vectors", raw=b'\xff\xfe{"vectors":[]}'), 400)
    err(s.call("POST", "/v1/collections/bad/vectors", {"vectors": [{"id": "bad id!", "values": [1, 2, 3]}]}), 400)
    err(s.call("POST", "/v1/collections/bad/vectors", {"vectors": [{"id": "x" * 129, "values": [1, 2, 3]}]}), 400)
    err(s.call("POST", "/v1/collections/bad/vectors", {"vectors": [{"id": "m", "values": [1, 2, 3], "metadata": [1]}]}), 400)
    err(s.call("POST", "/v1/collections/bad/vectors",
               {"vectors": [{"id": "m", "values": [1, 2, 3], "metadata": {f"k{i}": i for i in range(101)}}]}), 400)
    err(s.call("POST", "/v1/collections/bad/vectors", {"vectors": []}), 400)
    err(s.call("POST", "/v1/collections/bad/vectors", raw=b'{"vectors":[{"id":"g","values":[1,2,3]}]}',
               headers={"Content-Type": "text/plain"}), 415, "unsupported_media_type")
    err(s.call("POST", "/v1/collections/bad/search", {"vector": [1, 2, 3], "k": 0}), 400)
    err(s.call("POST", "/v1/collections/bad/search", {"vector": [1, 2, 3], "k": 1001}), 400)
    err(s.call("POST", "/v1/collections/bad/search", {"vector": [1, 2], "k": 1}), 400, "dimension_mismatch")
    err(s.call("POST", "/v1/collections/bad/search", {"vector": [1, 2, 3], "filter": {"n": {"$regex": "a"}}}), 400, "invalid_filter")
    err(s.call("POST", "/v1/collections/nope/search", {"vector": [1, 2, 3]}), 404, "not_found")
    assert ok(s.call("POST", "/v1/collections/bad/count", {}))["data"]["count"] == 0


@test
def oversized_batch_and_body(s):
    ok(s.call("POST", "/v1/collections", {"name": "big", "dimension": 1}), 201)
    err(s.call("POST", "/v1/collections/big/vectors",
               {"vectors": [{"id": f"i{i}", "values": [1]} for i in range(10001)]}), 400)
    assert ok(s.call("POST", "/v1/collections/big/count", {}))["data"]["count"] == 0


@test
def short_routes_on_default_collection(s):
    ok(s.call("POST", "/vectors", {"id": "s1", "vector": [1, 0, 0, 0], "metadata": {"p": "x"}}))
    batch = ok(s.call("POST", "/vectors/batch", {"vectors": [{"id": "s2", "vector": [0, 1, 0, 0]}, {"id": "s3", "vector": [0, 0, 1, 0]}]}))
    assert batch["data"]["ids"] == ["s2", "s3"], batch
    res = ok(s.call("POST", "/vectors/search", {"vector": [1, 0, 0, 0], "limit": 2}))
    assert res["data"]["matches"][0]["id"] == "s1", res
    assert res["meta"]["threshold"] == 0.7, res  # the original design's default threshold on the short search
    # GET with a JSON body (the design's handler reads it); numeric strings for limit and threshold
    res = ok(s.call("GET", "/vectors/search", {"vector": [1, 0, 0, 0], "limit": "3", "threshold": "0.5"}))
    assert [m["id"] for m in res["data"]["matches"]] == ["s1"] and res["meta"]["threshold"] == 0.5, res
    err(s.call("POST", "/vectors/search", {"query": "hello", "limit": 2}), 400)
    ok(s.call("PUT", "/vectors/s1", {"vector": [0, 0, 0, 1]}))
    ok(s.call("DELETE", "/vectors/s2"))
    ok(s.call("DELETE", "/vectors/batch", {"ids": ["s3"]}))
    res = ok(s.call("POST", "/vectors/search", {"vector": [0, 0, 0, 1], "limit": 5}))
    assert [m["id"] for m in res["data"]["matches"]] == ["s1"], res


@test
def personas_and_memories(s):
    p = ok(s.call("POST", "/personas", {"name": "Ada", "system_prompt": "be brief", "max_memory_size": 2}), 201)["data"]
    assert p["is_active"] is True and isinstance(p["created_at"], int), p
    pid = p["id"]
    for i, v in enumerate(([1, 0, 0, 0], [0, 1, 0, 0], [0.9, 0.1, 0, 0])):
        m = ok(s.call("POST", f"/personas/{pid}/memories", {"content": f"m{i}", "context": {"type": "conversation"},
                                                            "vector": v}), 201)["data"]
        assert isinstance(m["timestamp"], int) and m["id"], m
    page = ok(s.call("GET", f"/personas/{pid}/memories?limit=10"))["data"]
    contents = [m["content"] for m in page.get("memories", page if isinstance(page, list) else [])]
    assert contents == ["m2", "m1"], page  # newest first, and max_memory_size 2 dropped the oldest
    hits = ok(s.call("POST", f"/personas/{pid}/memories/search", {"vector": [1, 0, 0, 0], "limit": 5, "threshold": 0.5}))["data"]
    matches = hits["matches"] if isinstance(hits, dict) else hits
    assert [m["content"] for m in matches] == ["m2"], hits
    err(s.call("POST", f"/personas/{pid}/memories/search", {"query": "hello"}), 400)
    ok(s.call("DELETE", f"/personas/{pid}"))
    err(s.call("GET", f"/personas/{pid}"), 404, "not_found")


@test
def snapshot_download_matches_its_sha256(s):
    import hashlib
    snap = ok(s.call("POST", "/v1/snapshots"), 201)["data"]
    assert snap["bytes"] > 0 and len(snap["sha256"]) == 64, snap
    code, body, headers = s.call("GET", f"/v1/snapshots/{snap['name']}")
    assert code == 200 and isinstance(body, (bytes, bytearray)), (code, type(body))
    assert hashlib.sha256(body).hexdigest() == snap["sha256"] and len(body) == snap["bytes"]
    listed = ok(s.call("GET", "/v1/snapshots"))["data"]
    assert any(x["name"] == snap["name"] for x in listed), listed
    ok(s.call("DELETE", f"/v1/snapshots/{snap['name']}"))
    err(s.call("GET", f"/v1/snapshots/{snap['name']}"), 404, "not_found")


def auth_and_rate_limits():
    """A second server with VECTORLOGIC_ADMIN_KEY (auth on) and a per-IP limit: 401, 403, 429, and key management."""
    admin = "contract-admin-key-0123456789"
    with tempfile.TemporaryDirectory() as tmp:
        env_backup = dict(os.environ)
        os.environ["VECTORLOGIC_ADMIN_KEY"] = admin
        try:
            s = Server(os.path.join(tmp, "data"), extra=("--rate-limit", "40"))
        finally:
            os.environ.clear()
            os.environ.update(env_backup)
        try:
            assert s.call("GET", "/health")[0] == 200
            err(s.call("GET", "/v1/collections"), 401, "unauthorized")
            refused = err(s.call("GET", "/v1/collections?api_key=" + admin), 401, "unauthorized")
            assert "--allow-query-api-key" in refused["message"], refused
            a = {"X-API-Key": admin}
            code, _, headers = s.call("GET", "/v1/collections", headers=a)
            assert code == 200 and headers.get("Cache-Control") == "no-store", dict(headers)
            key = ok(s.call("POST", "/v1/keys", {"name": "reader", "permissions": ["read"]}, headers=a), 201)["data"]
            assert key["key"].startswith("vdb_") and len(key["key"]) == 68 and key["prefix"] == key["key"][:12], key
            assert key["expires_at"] - key["created_at"] == 365 * 86_400_000, key  # as `keys create` without --expires-in-days
            r = {"Authorization": "Bearer " + key["key"]}
            ok(s.call("GET", "/v1/collections", headers=r))
            err(s.call("POST", "/v1/collections", {"name": "x", "dimension": 2}, headers=r), 403, "forbidden")
            listed = ok(s.call("GET", "/v1/keys", headers=a))["data"]
            assert all("key" not in k for k in listed), listed
            ok(s.call("DELETE", f"/v1/keys/{key['id']}", headers=a))
            err(s.call("GET", "/v1/collections", headers=r), 401, "unauthorized")
            statuses = [s.call("GET", "/v1/stats", headers=a)[0] for _ in range(60)]
            assert 429 in statuses, statuses
            code, body, headers = s.call("GET", "/v1/stats", headers=a)
            assert code == 429 and headers.get("Retry-After") and headers.get("RateLimit-Limit") == "40", (code, dict(headers))
            assert body["error"] == "rate_limited", body
        finally:
            s.stop()


def raw_call(port, method, path, body=None, headers=None):
    """One request with http.client, path sent exactly as given (urllib would keep it too, but say so explicitly)."""
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest(method, path, skip_host="Host" in (headers or {}), skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        data = json.dumps(body).encode() if body is not None else None
        if data is not None:
            conn.putheader("Content-Length", str(len(data)))
        conn.endheaders(data)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def issue8_http_defects():
    """Issue 8 §1 and §5 reproduced against the real executable (each of these failed on 0fa36c9)."""
    admin = "contract-admin-key-0123456789"
    with tempfile.TemporaryDirectory() as tmp:
        env_backup = dict(os.environ)
        os.environ["VECTORLOGIC_ADMIN_KEY"] = admin
        try:
            s = Server(os.path.join(tmp, "data"), dimension=2)
        finally:
            os.environ.clear()
            os.environ.update(env_backup)
        try:
            a = {"X-API-Key": admin, "Content-Type": "application/json"}
            reader = {"X-API-Key": ok(s.call("POST", "/v1/keys", {"name": "r", "permissions": ["read"]}, headers=a), 201)["data"]["key"]}
            writer = {"X-API-Key": ok(s.call("POST", "/v1/keys", {"name": "w", "permissions": ["write"]}, headers=a), 201)["data"]["key"],
                      "Content-Type": "application/json"}
            ok(s.call("POST", "/v1/collections", {"name": "victim", "dimension": 2}, headers=a), 201)
            for path in ("//v1/keys", "/v1//keys", "//v1/snapshots"):
                assert raw_call(s.port, "GET", path, headers=reader)[0] == 403, path
            assert raw_call(s.port, "POST", "/v1/collections//", {"name": "evil", "dimension": 2}, headers=writer)[0] == 403
            assert raw_call(s.port, "DELETE", "/v1/collections/victim/", headers=writer)[0] == 403
            assert raw_call(s.port, "POST", "/v1/collections/victim/search/", {"vector": [1, 0], "k": 1}, headers=writer)[0] == 403
            names = sorted(c["name"] for c in ok(s.call("GET", "/v1/collections", headers=a))["data"])
            assert names == ["default", "victim"], names
            # No Content-Type on a body route: 415, nothing stored.
            assert raw_call(s.port, "POST", "/vectors", headers={"X-API-Key": admin}, body={"id": "a", "values": [1, 0]})[0] == 415
            # DNS rebinding: a foreign Host is refused.
            assert raw_call(s.port, "GET", "/v1/collections", headers={"X-API-Key": admin, "Host": "evil.example"})[0] == 400
            # urllib writes the whole body before reading (and says Connection: close): 70 MiB over the 64 MiB limit.
            big = b"[" + b"0," * (35 << 20) + b"0]"
            start = time.time()
            code = s.call("POST", "/v1/collections/victim/vectors", raw=big, headers=a)[0]
            assert code == 413 and time.time() - start < 25, (code, time.time() - start)
        finally:
            s.stop()


def command_line_first_hour():
    """`--version`; verify/inspect default to ./data like serve; a second server's lock error names the directory once."""
    version = subprocess.run([BIN, "--version"], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0 and version.stdout.startswith("vectorlogic "), (version.returncode, version.stdout, version.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        missing = subprocess.run([BIN, "verify"], capture_output=True, text=True, timeout=60, cwd=tmp)
        assert missing.returncode == 1 and "./data" in missing.stderr, (missing.returncode, missing.stderr)
        s = Server(os.path.join(tmp, "data"))
        try:
            second = subprocess.run([BIN, "serve", "--port", str(free_port())], capture_output=True, text=True, timeout=60, cwd=tmp)
            assert second.returncode == 3 and second.stderr.count("./data") == 1, (second.returncode, second.stderr)
        finally:
            s.stop()
        for command in (["verify"], ["inspect"]):
            done = subprocess.run([BIN, *command], capture_output=True, text=True, timeout=60, cwd=tmp)
            assert done.returncode == 0, (command, done.returncode, done.stderr)


def run_with_server(data_dir, fn):
    s = Server(data_dir)
    try:
        fn(s)
    finally:
        s.stop()


def main():
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        s = Server(data)
        try:
            for t in TESTS:
                try:
                    t(s)
                    passed += 1
                    print(f"PASS {t.__name__}")
                except Exception:
                    failed += 1
                    print(f"FAIL {t.__name__}\n{traceback.format_exc()}")
            # a second server on the same directory exits with 3
            try:
                second = subprocess.run([BIN, "serve", "--data-dir", data, "--port", str(free_port())],
                                        capture_output=True, text=True, timeout=60)
                assert second.returncode == 3, (second.returncode, second.stderr[-500:])
                passed += 1
                print("PASS second_server_on_locked_directory_exits_3")
            except Exception:
                failed += 1
                print(f"FAIL second_server_on_locked_directory_exits_3\n{traceback.format_exc()}")
        finally:
            code = s.stop()
        try:
            assert code == 0, f"SIGTERM exit code {code}"
            s2 = Server(data)
            try:
                got = ok(s2.call("GET", "/v1/collections/v/vectors/b?include_values=true"))["data"]
                assert got["values"] == [0, 1, 0] and got["metadata"] == {"n": 5, "tag": "y"}, got
                assert ok(s2.call("POST", "/v1/collections/sc/count", {}))["data"]["count"] == 250
            finally:
                s2.stop()
            passed += 1
            print("PASS persistence_across_restart")
        except Exception:
            failed += 1
            print(f"FAIL persistence_across_restart\n{traceback.format_exc()}")
    try:
        issue8_http_defects()
        passed += 1
        print("PASS issue8_http_defects")
    except Exception:
        failed += 1
        print(f"FAIL issue8_http_defects\n{traceback.format_exc()}")
    try:
        command_line_first_hour()
        passed += 1
        print("PASS command_line_first_hour")
    except Exception:
        failed += 1
        print(f"FAIL command_line_first_hour\n{traceback.format_exc()}")
    try:
        auth_and_rate_limits()
        passed += 1
        print("PASS auth_and_rate_limits")
    except Exception:
        failed += 1
        print(f"FAIL auth_and_rate_limits\n{traceback.format_exc()}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
