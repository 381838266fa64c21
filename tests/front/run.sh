#!/usr/bin/env bash
# The nginx front (indexer/deploy/riskatlas-nginx.conf), tested: starts riskatlas-serve on a small
# index of corpus/ and nginx in front of it, both on loopback ports, nginx as the user running the
# test (nobody when that is root) with its own prefix, temp directories and pid file, reading the
# deployment file itself with only its upstream and listen addresses changed. Then
# tests/front/check.py attacks through the front. Installs nothing (.ci/deps installs nginx).
# Usage: tests/front/run.sh [BUILD_DIR] (default build).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib.sh
. tests/lib.sh
build=$(cd "${1:-build}" && pwd)
site=indexer/deploy/riskatlas-nginx.conf
fail() {
  echo "front test: FAIL: $*" >&2
  exit 1
}
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || fail "nginx is not installed (.ci/deps installs it)"

work=$(mktemp -d /tmp/riskatlas-front.XXXXXX)
server_pid="" nginx_pid=""
cleanup() {
  stop_pids "$nginx_pid" "$server_pid"
  rm -rf "$work"
}
trap cleanup EXIT

"$build/riskatlas-index" --quiet --corpus corpus --index "$work/index" || fail "indexing corpus/"
for _ in 1 2 3; do
  backend=$(free_port)
  "$build/riskatlas-serve" --index "$work/index" --port "$backend" --web server/web 2>"$work/serve.log" &
  server_pid=$!
  wait_http "http://127.0.0.1:$backend/healthz" "$server_pid" && break
  stop_pids "$server_pid"
  server_pid=""
done
[ -n "$server_pid" ] || { cat "$work/serve.log"; fail "riskatlas-serve did not come up"; }

# nginx's own settings around the site file, as /etc/nginx/nginx.conf gives them on a server.
mkdir -p "$work/nginx/logs" "$work/nginx/tmp"
run_as=()
if [ "$(id -u)" -eq 0 ]; then
  chown -R nobody "$work/nginx"
  chmod 755 "$work"
  run_as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi
for _ in 1 2 3; do
  front=$(free_port)
  # The deployment file, with the test's addresses for the server and the listening socket.
  sed -e "s/server 127\.0\.0\.1:8080;/server 127.0.0.1:$backend;/" -e "s/^    listen 80;/    listen 127.0.0.1:$front;/" \
    "$site" >"$work/nginx/riskatlas.conf"
  grep -q "server 127.0.0.1:$backend;" "$work/nginx/riskatlas.conf" || fail "no upstream 127.0.0.1:8080 in $site"
  grep -q "listen 127.0.0.1:$front;" "$work/nginx/riskatlas.conf" || fail "no 'listen 80;' in $site"
  cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $work/nginx/nginx.pid;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $work/nginx/logs/access.log;
    client_body_temp_path $work/nginx/tmp/body;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    include $work/nginx/riskatlas.conf;
}
EOF
  "${run_as[@]}" "$nginx" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e stderr 2>"$work/nginx/error.log" &
  nginx_pid=$!
  wait_http "http://127.0.0.1:$front/healthz" "$nginx_pid" && break
  stop_pids "$nginx_pid"
  nginx_pid=""
done
[ -n "$nginx_pid" ] || { cat "$work/nginx/error.log"; fail "nginx did not come up"; }

python3 tests/front/check.py --front "$front" --backend "$backend" || {
  echo "--- nginx error log (tail)"; tail -n 20 "$work/nginx/error.log"
  echo "--- server log (tail)"; tail -n 20 "$work/serve.log"
  fail "see above"
}
