#!/usr/bin/env bash
# More idle connections than the server may start threads for (ulimit -u, a container's pids limit,
# systemd's TasksMax) must queue connections, not end the server: riskatlas-serve runs as nobody
# with a budget of 40 processes (it starts 11 threads), a client holds 100 idle connections, and the
# server must stay up, say why in its log and answer /healthz once an idle connection times out.
# Needs root (a budget of its own for another user); skipped (77) otherwise.
# Usage: tests/server/thread_budget.sh [BUILD_DIR] (default build).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib.sh
. tests/lib.sh
build=$(cd "${1:-build}" && pwd)
fail() {
  echo "thread budget test: FAIL: $*" >&2
  exit 1
}
if [ "$(id -u)" -ne 0 ]; then
  echo "thread budget test: skipped: needs root to run the server as nobody under a budget of its own"
  exit 77
fi
# Another process of nobody's would count against the budget.
if pgrep -u nobody >/dev/null; then
  echo "thread budget test: skipped: processes of nobody are running"
  exit 77
fi

work=$(mktemp -d /tmp/riskatlas-threads.XXXXXX)
server_pid=""
cleanup() {
  stop_pids "$server_pid"
  rm -rf "$work"
}
trap cleanup EXIT
chmod 755 "$work"

"$build/riskatlas-index" --quiet --corpus corpus --index "$work/index" || fail "indexing corpus/"
port=$(free_port)
prlimit --nproc=40 setpriv --reuid=nobody --regid=nogroup --clear-groups \
  "$build/riskatlas-serve" --index "$work/index" --port "$port" 2>"$work/serve.log" &
server_pid=$!
wait_http "http://127.0.0.1:$port/healthz" "$server_pid" || { cat "$work/serve.log"; fail "riskatlas-serve did not come up"; }

python3 - "$port" <<'EOF' || { cat "$work/serve.log"; fail "the server did not survive 100 idle connections"; }
import socket, sys, time, urllib.request
port = int(sys.argv[1])
idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(100)]
time.sleep(1)
# Queued behind the idle connections until their request deadline frees a thread.
with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as answer:
    assert answer.status == 200, answer.status
for s in idle:
    s.close()
EOF
kill -0 "$server_pid" 2>/dev/null || fail "the server ended"
grep -q "cannot start another connection thread" "$work/serve.log" ||
  { cat "$work/serve.log"; fail "the budget was never reached (no log line): the test proves nothing"; }
curl -fsS -o /dev/null "http://127.0.0.1:$port/api/search?q=poisoning" || fail "a search after the idle connections"
echo "thread budget test: ok"
