#!/usr/bin/env bash
# The Debian package, checked without installing it: builds riskatlas_<version>_<arch>.deb with cpack,
# checks its metadata and file list, runs lintian, unpacks it with dpkg-deb -x, runs the unpacked
# programs with the command lines of the packaged systemd units and settings file (first index,
# server without --web, nightly reindex), fetches the UI and a search, and verifies the units with
# systemd-analyze. Needs a finished build: tests/package/run.sh [BUILD_DIR] (default build).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib.sh
. tests/lib.sh
build=$(cd "${1:-build}" && pwd)
work=$(mktemp -d /tmp/riskatlas-package.XXXXXX)
server_pid=""
cleanup() {
  stop_pids "$server_pid"
  rm -rf "$work"
}
trap cleanup EXIT
step() { echo "package test: $*"; }
fail() {
  echo "package test: FAIL: $*" >&2
  exit 1
}

version=$("$build/riskatlas-index" --version | cut -d' ' -f2)
arch=$(dpkg --print-architecture)

step "cpack -G DEB (version $version)"
(cd "$build" && cpack -G DEB -B "$work/out") >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack failed"; }
deb="$work/out/riskatlas_${version}_${arch}.deb"
[ -f "$deb" ] || fail "expected $deb; cpack wrote: $(ls "$work/out")"

step "metadata (dpkg-deb -I)"
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = riskatlas ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version), the build says $version"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture: $(field Architecture)"
if [ -z "$(field Maintainer)" ] || [ -z "$(field Description)" ]; then fail "no Maintainer or Description"; fi
depends=$(field Depends)
# adduser for the maintainer scripts; the rest computed by dpkg-shlibdeps from the binaries.
for dep in adduser 'libxapian[0-9]+' 'libicu[0-9]+' 'libyaml-0-[0-9]+' 'libjemalloc[0-9]+' 'libstdc\+\+6' libc6; do
  grep -Eq "(^|, )$dep( |,|$)" <<<"$depends" || fail "Depends lacks $dep: $depends"
done
mkdir "$work/control"
dpkg-deb -e "$deb" "$work/control"
[ "$(cat "$work/control/conffiles")" = /etc/default/riskatlas ] || fail "conffiles: $(cat "$work/control/conffiles")"
for script in postinst prerm postrm; do
  [ -x "$work/control/$script" ] || fail "no executable $script"
  sh -n "$work/control/$script" || fail "$script is not valid sh"
done

step "file list (dpkg-deb -c)"
dpkg-deb -c "$deb" >"$work/contents"
awk '$2 != "root/root" { print }' "$work/contents" | grep . && fail "entries not owned by root/root"
awk '$1 ~ /^-/ { print $6 }' "$work/contents" | sort >"$work/files"
{
  printf '%s\n' ./etc/default/riskatlas ./lib/systemd/system/riskatlas-reindex.service \
    ./lib/systemd/system/riskatlas-reindex.timer ./lib/systemd/system/riskatlas-serve.service \
    ./usr/bin/riskatlas-index ./usr/bin/riskatlas-serve ./usr/share/doc/riskatlas/changelog.gz \
    ./usr/share/doc/riskatlas/copyright ./usr/share/doc/riskatlas/examples/crontab \
    ./usr/share/doc/riskatlas/examples/riskatlas-nginx.conf \
    ./usr/share/man/man1/riskatlas-index.1.gz ./usr/share/man/man1/riskatlas-serve.1.gz
  (cd corpus && find . -type f ! -name README.md) | sed 's|^\.|./usr/share/riskatlas/corpus|'
  (cd server/web && find . -type f ! -name README.md) | sed 's|^\.|./usr/share/riskatlas/web|'
} | sort >"$work/expected"
diff -u "$work/expected" "$work/files" || fail "the package's files differ from the expected list (- expected, + packaged)"
for program in riskatlas-index riskatlas-serve; do
  grep -q -- "-rwxr-xr-x .* ./usr/bin/$program$" "$work/contents" || fail "$program is not 0755"
done

step "lintian"
lintian --fail-on error "$deb" | tee "$work/lintian.txt" || fail "lintian found errors"

step "unpack (dpkg-deb -x)"
root="$work/root"
dpkg-deb -x "$deb" "$root"
for program in riskatlas-index riskatlas-serve; do
  [ "$("$root/usr/bin/$program" --version)" = "$program $version" ] || fail "$program --version"
  [[ "$(file "$root/usr/bin/$program")" == *", stripped"* ]] || fail "$program is not stripped"
done
# (Output is captured before grep so that grep -q stopping early does not fail the pipe.)
man_page=$(zcat "$root/usr/share/man/man1/riskatlas-serve.1.gz")
if ! grep -qF '.SH OPTIONS' <<<"$man_page" || ! grep -qF '\fB\-\-index\fR' <<<"$man_page"; then
  fail "the man page lacks an OPTIONS section with --index"
fi
changelog=$(zcat "$root/usr/share/doc/riskatlas/changelog.gz")
[[ "$changelog" == "riskatlas ($version) "* ]] || fail "the changelog does not start with version $version"

# The settings as the units see them, every path moved into the unpacked tree, on a free port.
set -a
# shellcheck source=/dev/null
. "$root/etc/default/riskatlas"
set +a
for setting in RISKATLAS_CORPUS RISKATLAS_LINKS RISKATLAS_SYNONYMS; do
  [ -e "$root${!setting}" ] || fail "$setting=${!setting} is not in the package"
  export "$setting=$root${!setting}"
done
export RISKATLAS_INDEX="$work/index" RISKATLAS_THREADS=4
if [ "${RISKATLAS_HOST:-}" != 127.0.0.1 ] || [ "${RISKATLAS_PORT:-}" != 8080 ]; then
  fail "the default address is not 127.0.0.1:8080"
fi
# A unit's command line with the programs of the unpacked tree; ${VAR} expands as systemd does for these
# values (single words).
unit_command() {
  local line
  line=$(sed -n "s/^$2=-\{0,1\}//p" "$root/lib/systemd/system/$1")
  [ -n "$line" ] || fail "no $2 in $1"
  echo "${line//\/usr\/bin\//$root/usr/bin/}"
}
first_index=$(unit_command riskatlas-serve.service ExecStartPre)
serve=$(unit_command riskatlas-serve.service ExecStart)
reindex=$(unit_command riskatlas-reindex.service ExecStart)
[[ "$serve" != *--web* ]] || fail "the server unit passes --web"

step "first index with the unpacked riskatlas-index: $first_index"
eval "$first_index" || fail "the first index failed"
[ -f "$work/index/live.stub" ] || fail "no live index after the first index"
generation=$(cat "$work/index/live.stub")
eval "$first_index" >"$work/again.txt" 2>&1 || fail "the first-index command failed with an index in place"
[ "$(cat "$work/index/live.stub")" = "$generation" ] || fail "the first-index command rebuilt an existing index"

step "unpacked riskatlas-serve without --web"
# The UI must come from the unpacked tree (found relative to the binary): mark it.
echo '<!-- unpacked riskatlas package -->' >>"$root/usr/share/riskatlas/web/index.html"
for _ in 1 2 3 4 5; do
  RISKATLAS_PORT=$(free_port)
  eval "exec $serve" >"$work/serve.log" 2>&1 &
  server_pid=$!
  wait_http "http://127.0.0.1:$RISKATLAS_PORT/healthz" "$server_pid" && break  # exited: the port was taken
  stop_pids "$server_pid"
  server_pid=""
done
[ -n "$server_pid" ] || { cat "$work/serve.log"; fail "the server did not come up"; }
base="http://127.0.0.1:$RISKATLAS_PORT"
grep -qF "web UI from $root/usr/share/riskatlas/web" "$work/serve.log" || { cat "$work/serve.log"; fail "UI not from the package"; }

page=$(curl -fsS "$base/")
grep -qF '<title>riskatlas' <<<"$page" || fail "/ is not the riskatlas UI"
grep -qF '<!-- unpacked riskatlas package -->' <<<"$page" || fail "/ is not the unpacked index.html"
[ "$(curl -fsS "$base/js/main.js")" = "$(cat "$root/usr/share/riskatlas/web/js/main.js")" ] || fail "/js/main.js is not served"

search=$(curl -fsS "$base/api/search?q=prompt%20injection&per_page=50")
[ "$(jq '.total' <<<"$search")" -gt 0 ] || fail "no hits for 'prompt injection'"
jq -e '.hits[] | select(.id == "AML.T0051" and .title == "LLM Prompt Injection")' <<<"$search" >/dev/null ||
  fail "the search misses AML.T0051 LLM Prompt Injection"
jq -e '.hits[0].snippet | contains("<mark>")' <<<"$search" >/dev/null || fail "the first hit has no highlighted snippet"

health=$(curl -fsS "$base/healthz")
[ "$(jq -r '.version' <<<"$health")" = "$version" ] || fail "/healthz version: $(jq -r '.version' <<<"$health")"
[ "$(jq -r '.generation' <<<"$health")" = "${generation#auto }" ] || fail "/healthz generation: $health"
metrics=$(curl -fsS "$base/metrics")
grep -qxF "riskatlas_build_info{version=\"$version\"} 1" <<<"$metrics" || fail "no riskatlas_build_info"

step "nightly reindex with the unpacked riskatlas-index: $reindex"
eval "$reindex" || fail "the reindex failed"
[ "$(cat "$work/index/live.stub")" != "$generation" ] || fail "the reindex published no new generation"
new_generation=$(sed 's/^auto //' "$work/index/live.stub")
for _ in $(seq 50); do
  [ "$(curl -fsS "$base/healthz" | jq -r '.generation')" = "$new_generation" ] && break
  sleep 0.1
done
[ "$(curl -fsS "$base/healthz" | jq -r '.generation')" = "$new_generation" ] || fail "the server did not follow the reindex"

kill -TERM "$server_pid"
wait "$server_pid" || fail "the server did not stop cleanly on SIGTERM"
server_pid=""

step "systemd-analyze verify"
# Copies of the units that run the unpacked programs (verify checks that they exist and are
# executable); MANPATH lets it find the man pages their Documentation= names in the package.
mkdir "$work/units"
for unit in riskatlas-serve.service riskatlas-reindex.service riskatlas-reindex.timer; do
  sed "s|/usr/bin/|$root/usr/bin/|g" "$root/lib/systemd/system/$unit" >"$work/units/$unit"
done
MANPATH="$root/usr/share/man" systemd-analyze verify "$work/units/"* || fail "systemd-analyze verify"

step "ok: $(basename "$deb"), $(grep -c . "$work/files") files, lintian: $(grep -c '^[EW]:' "$work/lintian.txt" || true) errors and warnings"
