#!/bin/bash
# Issue 12's connection test as a measurement: normal requests while 500 connections trickle request
# heads a byte a second, 500 idle keep-alive connections stay open and wrk runs 64 clients searching
# non-stop, every search distinct (the eval set's queries at changing page sizes) and the response
# cache off, so every one is index work. Loopback only; prints the probe latencies and wrk's figures.
#   bench/siege/run.sh [INDEX_ROOT]     env: BUILD (default build), SECONDS_RUN (default 30),
#                                        SERVE_ARGS (extra riskatlas-serve options)
# Without INDEX_ROOT the default corpus is indexed into a temporary directory.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${BUILD:-$src/build}" && pwd)
seconds=${SECONDS_RUN:-30}
. "$src/tests/lib.sh"
work=$(mktemp -d /tmp/riskatlas-siege.XXXXXX)
server="" holders=""
trap 'stop_pids "$holders" "$server"; rm -rf "$work"' EXIT
ulimit -n 8192

index=${1:-}
if [ -z "$index" ]; then
  index=$work/index
  "$build/riskatlas-index" --quiet --corpus "$src/corpus" --index "$index" 2>/dev/null
fi
# Distinct search paths: every eval query at page sizes 10..20.
python3 - "$src/tests/eval/corpus-queries.tsv" "$src/tests/eval/real-queries.tsv" >"$work/paths.txt" <<'PY'
import sys, urllib.parse
for size in range(10, 21):
    for name in sys.argv[1:]:
        for line in open(name, encoding="utf-8"):
            if line.strip() and not line.startswith("#"):
                print("/api/search?q=%s&per_page=%d" % (urllib.parse.quote(line.split("\t")[0]), size))
PY

port=$(free_port)
# shellcheck disable=SC2086
"$build/riskatlas-serve" --index "$index" --port "$port" --cache-mb 0 ${SERVE_ARGS:-} 2>/dev/null &
server=$!
wait_http "http://127.0.0.1:$port/healthz" "$server" || { echo "server did not come up" >&2; exit 1; }

python3 "$src/bench/siege/siege.py" hold "$port" 500 500 "$((seconds + 10))" &
holders=$!
sleep 3
wrk -t2 -c64 -d"$((seconds + 4))s" --latency -s "$src/bench/wrk/queries.lua" "http://127.0.0.1:$port" \
  -- "$work/paths.txt" >"$work/wrk.txt" &
wrk_pid=$!
sleep 2
python3 "$src/bench/siege/siege.py" probe "$port" "$seconds"
wait "$wrk_pid"
echo
echo "wrk, 64 connections of distinct searches: $(awk '/^Requests\/sec/ {print $2}' "$work/wrk.txt") requests/s," \
  "p50 $(awk '$1 == "50%" {print $2}' "$work/wrk.txt"), p99 $(awk '$1 == "99%" {print $2}' "$work/wrk.txt")," \
  "non-2xx $(awk '/Non-2xx/ {print $NF}' "$work/wrk.txt" | grep . || echo 0)"
echo "open connections at the end: $(ls /proc/"$server"/fd | wc -l) descriptors"
