#!/bin/bash
# Serves INDEX_ROOT on loopback and drives it with wrk at 1, 8 and 64 connections, cycling the query
# files given; prints one Markdown row per connection count (requests/s, p50, p99, errors).
#   bench/wrk/run.sh BUILD_DIR INDEX_ROOT QUERY_FILE... [env: PORT (default 18080), DURATION (10s)]
set -euo pipefail
build=$1 index=$2
shift 2
port=${PORT:-18080}
duration=${DURATION:-10s}
here=$(cd "$(dirname "$0")" && pwd)
log=$(mktemp /tmp/riskatlas-wrk-serve.XXXXXX)

nice -n 10 "$build/riskatlas-serve" --index "$index" --host 127.0.0.1 --port "$port" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { echo "server did not come up:"; cat "$log"; exit 1; }
# One untimed pass warms the page cache and the facet table.
wrk -t1 -c1 -d2s -s "$here/queries.lua" "http://127.0.0.1:$port" -- "$@" >/dev/null

echo "| connections | requests/s | p50 ms | p99 ms | errors (non-2xx + socket) |"
echo "| --- | --- | --- | --- | --- |"
for c in 1 8 64; do
  threads=$((c < 2 ? 1 : 2))
  out=$(wrk -t"$threads" -c"$c" -d"$duration" --latency -s "$here/queries.lua" "http://127.0.0.1:$port" -- "$@")
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  socket=$(awk -F'[ ,]+' '/Socket errors/ {print $4 + $6 + $8 + $10}' <<<"$out")
  echo "| $c | $rps | $p50 | $p99 | $((${non2xx:-0} + ${socket:-0})) |"
done
