#!/usr/bin/env bash
# A bounded soak: one riskatlas-serve on a loopback port, on an index of corpus/ that riskatlas-index
# republishes in a loop, gets good requests (keep-alive clients and wrk), bad ones (400, 404, 405,
# 413, 414, 431) and slow ones (trickled heads: 408 or cut off) at once, for RISKATLAS_SOAK_SECONDS
# (default 75). Every answer must have its expected status (a 503 is a failure), the server must have
# moved to republished generations, and its RSS at the end must stay under RISKATLAS_SOAK_MAX_RSS_MB
# (default 150). Prints the counts and the RSS at start, after warm-up, at the end and at its peak.
# Usage: tests/soak/run.sh [BUILD_DIR] (default build); RISKATLAS_SOAK_SERVER=PATH soaks another
# riskatlas-serve binary, RISKATLAS_SOAK_CORPUS=DIR indexes another corpus (the published exports, say;
# with corpus/'s links and synonyms). Installs nothing (.ci/deps installs wrk).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib.sh
. tests/lib.sh
build=$(cd "${1:-build}" && pwd)
serve=${RISKATLAS_SOAK_SERVER:-$build/riskatlas-serve}
seconds=${RISKATLAS_SOAK_SECONDS:-75}
max_rss_mb=${RISKATLAS_SOAK_MAX_RSS_MB:-150}
corpus=${RISKATLAS_SOAK_CORPUS:-corpus}
fail() {
  echo "soak: FAIL: $*" >&2
  exit 1
}

work=$(mktemp -d /tmp/riskatlas-soak.XXXXXX)
server_pid="" reindex_pid=""
cleanup() {
  touch "$work/stop"
  stop_pids "$reindex_pid" "$server_pid"
  rm -rf "$work"
}
trap cleanup EXIT

index() {
  "$build/riskatlas-index" --quiet --corpus "$corpus" --links corpus/links.yaml --synonyms corpus/synonyms.yaml \
    --index "$work/index" 2>>"$work/index.log"
}
index || { cat "$work/index.log"; fail "indexing corpus/"; }
for _ in 1 2 3; do
  port=$(free_port)
  "$serve" --index "$work/index" --port "$port" --web server/web 2>"$work/serve.log" &
  server_pid=$!
  wait_http "http://127.0.0.1:$port/healthz" "$server_pid" && break
  stop_pids "$server_pid"
  server_pid=""
done
[ -n "$server_pid" ] || { cat "$work/serve.log"; fail "riskatlas-serve did not come up"; }

# The indexer republishes the whole time, as a too-eager cron would.
(
  while [ ! -e "$work/stop" ]; do
    if index; then echo ok >>"$work/reindexed"; else echo "exit $?" >>"$work/reindex-failed"; fi
    sleep 0.5
  done
) &
reindex_pid=$!

status=0
python3 tests/soak/soak.py --port "$port" --pid "$server_pid" --seconds "$seconds" --max-rss-mb "$max_rss_mb" \
  --wrk-script tests/soak/wrk.lua || status=$?
touch "$work/stop"
wait "$reindex_pid" || true
reindex_pid=""
echo "soak: the indexer republished $(cat "$work/reindexed" 2>/dev/null | wc -l) times"
if [ -s "$work/reindex-failed" ]; then
  tail -n 20 "$work/index.log"
  fail "riskatlas-index failed $(wc -l <"$work/reindex-failed") times ($(sort "$work/reindex-failed" | uniq -c | tr '\n' ' '))"
fi
if ! kill -0 "$server_pid" 2>/dev/null; then
  tail -n 20 "$work/serve.log"
  fail "the server exited"
fi
grep -q ' 500 ' "$work/serve.log" && { grep ' 500 \|request [0-9]*:' "$work/serve.log" | head; fail "the server answered 500"; }
[ "$status" -eq 0 ] || fail "see above"
echo "soak: ok"
