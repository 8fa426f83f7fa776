#!/usr/bin/env python3
"""A real HTTP server on 127.0.0.1 that plays a broken OpenAI-compatible embeddings provider, for the openai provider's
error tests. Prints its port on the first line, then serves until killed:
  POST /slow/v1/embeddings      answers after 30 s
  POST /garbage/v1/embeddings   200 with a body that is not JSON
  POST /short/v1/embeddings     200 with one embedding whatever the number of inputs
  POST /fail/v1/embeddings      500 every time (after the client's retries: 502)
"""
import http.server
import json
import sys
import time


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path.startswith("/slow/"):
            time.sleep(30)
            body, status = b"{}", 200
        elif self.path.startswith("/garbage/"):
            body, status = b"<html>certainly not embeddings", 200
        elif self.path.startswith("/short/"):
            body, status = json.dumps({"object": "list", "data": [{"index": 0, "embedding": [0.5, 0.5]}]}).encode(), 200
        else:
            body, status = json.dumps({"error": {"message": "upstream exploded"}}).encode(), 500
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
