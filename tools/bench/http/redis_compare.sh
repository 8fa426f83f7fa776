#!/usr/bin/env bash
# Issue 9's comparison, in one command: VectorLogic against Redis Stack at 1 and 8 connections with the same client
# (loadgen), in interleaved rounds (server order rotated per round, medians reported), plus VectorLogic's non-engine
# share of server CPU (1 − engine query_time_ms / server CPU per request, from /proc) and the GET /health floor.
#
#   tools/bench/http/redis_compare.sh                       # 100,000 vectors, 5 rounds × 8 s, ef for recall@10 ≥ 0.95
#   tools/bench/http/redis_compare.sh --limit 20000         # shorter; any run_all.py option can be added
#
# Builds the release binary first (SKIP_BUILD=1 to reuse it); installs Redis Stack into the venv once (run_all.sh).
set -euo pipefail
exec "$(dirname "$0")/run_all.sh" --servers vectorlogic,redis --conns 1,8 --repeats 5 --seconds 8 "$@"
