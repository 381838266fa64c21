#!/usr/bin/env bash
# A reindex that fills the disk fails cleanly: exit 5, the partial generation removed, the live index
# untouched. On a 20 MB tmpfs holding a live index of corpus/, three reindexes of 40,000 grown records
# (built in parts on every core: Xapian 1.4.22 can end the process from inside a commit there,
# which the indexer's terminate handler turns into the same clean failure).
# Needs root and tmpfs mounts; skipped (77) otherwise. RISKATLAS_FULL_DISK_ROUNDS (default 3) sets the
# number of reindexes: CI's ASan pass runs one, where each takes over a minute.
# Usage: tests/index/full_disk.sh [BUILD_DIR] (default build).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$(cd "${1:-build}" && pwd)
fail() {
  echo "full disk test: FAIL: $*" >&2
  exit 1
}
if [ "$(id -u)" -ne 0 ]; then
  echo "full disk test: skipped: needs root to mount a small tmpfs"
  exit 77
fi
work=$(mktemp -d /tmp/riskatlas-full.XXXXXX)
cleanup() {
  umount "$work/disk" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir "$work/disk"
if ! mount -t tmpfs -o size=20m tmpfs "$work/disk" 2>/dev/null; then
  echo "full disk test: skipped: cannot mount a tmpfs here"
  exit 77
fi

"$build/riskatlas-index" --quiet --corpus corpus --index "$work/disk/root" || fail "indexing corpus/"
live=$(cat "$work/disk/root/live.stub")
"$build/riskatlas-gencorpus" --out "$work/grown" --records 40000 --seed 1 --source corpus >/dev/null
for round in $(seq "${RISKATLAS_FULL_DISK_ROUNDS:-3}"); do
  status=0
  "$build/riskatlas-index" --quiet --corpus "$work/grown" --index "$work/disk/root" \
    >"$work/out" 2>&1 || status=$?
  [ "$status" -eq 5 ] || { cat "$work/out"; fail "round $round: exit $status, not 5"; }
  grep -q "the live index was not changed" "$work/out" || { cat "$work/out"; fail "round $round: no reason given"; }
  [ "$(cat "$work/disk/root/live.stub")" = "$live" ] || fail "round $round: the live index changed"
  generations=$(find "$work/disk/root" -mindepth 1 -maxdepth 1 -name 'gen-*' | wc -l)
  [ "$generations" -eq 1 ] || { ls "$work/disk/root"; fail "round $round: $generations generations left, not the live one alone"; }
done
echo "full disk test: ok"
