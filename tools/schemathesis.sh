#!/usr/bin/env bash
# Checks the running server against its own /openapi.json with schemathesis (PyPI): no 5xx, every status code, content
# type and body documented. Starts `vectorlogic serve` on a free port of 127.0.0.1 with a fresh data directory, runs a
# bounded number of examples per operation, stops the server, and exits non-zero on any failure.
#
# Usage: tools/schemathesis.sh [PATH_TO_VECTORLOGIC] [MAX_EXAMPLES]
#   defaults: .build/debug/vectorlogic, 20 examples per operation (1-2 minutes on 2 busy cores).
#   Installs schemathesis with pip when the `st` command is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$(realpath -m "${1:-.build/debug/vectorlogic}")"
EXAMPLES="${2:-${SCHEMATHESIS_EXAMPLES:-20}}"
SEED="${SCHEMATHESIS_SEED:-$RANDOM}"

if ! command -v st >/dev/null 2>&1; then
  python3 -m pip install --quiet "schemathesis>=4,<5"
fi
[ -x "$BIN" ] || swift build --product vectorlogic

WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$BIN" serve --data-dir "$WORK/data" --port "$PORT" --default-dimension 8 --durability none --log-level warning \
  >"$WORK/stdout" 2>"$WORK/stderr" &
SERVER=$!
cleanup() { kill -TERM "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

# Up to 180 s: a debug build on a loaded 2-core machine was seen taking 86 s to listen (load average 28).
for _ in $(seq 1 1800); do
  grep -q "^listening on" "$WORK/stdout" 2>/dev/null && break
  kill -0 "$SERVER" 2>/dev/null || { echo "server exited:"; cat "$WORK/stderr"; exit 1; }
  sleep 0.1
done
grep -q "^listening on" "$WORK/stdout" || { echo "server did not start"; exit 1; }

echo "schemathesis against http://127.0.0.1:$PORT, $EXAMPLES examples per operation, seed $SEED"
# From the scratch folder, so schemathesis's replay store does not land in the repository.
cd "$WORK"
st run "http://127.0.0.1:$PORT/openapi.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "$EXAMPLES" --seed "$SEED" --workers 1 --request-timeout 10 \
  --phases examples,coverage,fuzzing \
  --suppress-health-check all
STATUS=$?
if grep -qi "fatal\|panic" "$WORK/stderr"; then echo "server log shows a crash"; exit 1; fi
exit $STATUS
