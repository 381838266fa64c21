#!/bin/bash
# Sharded indexes against one database on one generated corpus (issue 13, bench/README.md): for each
# shard count, build the corpus with --shards S under /usr/bin/time -v, then run riskatlas-benchmark
# on the local shards and on the same shards served by xapian-tcpsrv on loopback.
#   bench/shards.sh CORPUS_DIR [S ...]      (default shard counts: 1 2 4)
#   env: BUILD (default build), WORK (default /tmp/riskatlas-shards), ROUNDS (default 1),
#        ONLY=build (build, no benchmark) or ONLY=bench (benchmark the indexes an earlier run built)
# CORPUS_DIR is a corpus written by riskatlas-gencorpus (bench/run.sh leaves one in WORK/N/corpus).
# Everything runs at nice 10; indexes stay under WORK, never in the tree.
set -euo pipefail
corpus=$(cd "$1" && pwd)
shift
counts=("$@")
[[ ${#counts[@]} -gt 0 ]] || counts=(1 2 4)
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${BUILD:-$src/build}" && pwd)
work=${WORK:-/tmp/riskatlas-shards}
mkdir -p "$work"

servers=()
stop_servers() {
  # Each server leads its own process group (setsid, below): xapian-tcpsrv answers SIGTERM by
  # signalling its whole group, which without setsid is this script's (1.4.22: the script died
  # after the first remote benchmark). The group also holds the children it forked per connection.
  for pid in "${servers[@]}"; do kill -- "-$pid" 2>/dev/null || true; done
  servers=()
}
trap stop_servers EXIT

echo "## Shards: $(basename "$(dirname "$corpus")") records of $corpus"
echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for s in "${counts[@]}"; do
  index=$work/shards-$s
  if [[ ${ONLY:-} != bench ]]; then
    rm -rf "$index"
    /usr/bin/time -v -o "$work/shards-$s.time" nice -n 10 "$build/riskatlas-index" --quiet --corpus "$corpus" \
      --index "$index" --shards "$s" 2>"$work/shards-$s.err"
  fi
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/shards-$s.time")
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$work/shards-$s.time")
  rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/shards-$s.time")
  generation=$(find "$index" -maxdepth 1 -name 'gen-*' -print -quit)
  echo
  echo "### $s shard(s): built in $wall (CPU ${cpu} s, peak RSS $(awk -v k="$rss_kb" 'BEGIN { printf "%.0f MiB", k / 1024 }'), $(du -sh "$generation" | cut -f1))"
  echo
  [[ ${ONLY:-} != build ]] || continue
  echo "Local:"
  echo
  nice -n 10 "$build/riskatlas-benchmark" --index "$index" --corpus "$corpus" --rounds "${ROUNDS:-1}" --no-fts5
  [[ $s -gt 1 ]] || continue
  stub=$work/front-$s.stub
  echo "auto $generation/vocabulary" >"$stub"
  for ((k = 0; k < s; k++)); do
    port=$((18500 + k))
    setsid xapian-tcpsrv --interface 127.0.0.1 --port "$port" "$generation/shard-$k" >/dev/null 2>&1 &
    servers+=($!)
    echo "remote 127.0.0.1:$port" >>"$stub"
  done
  for ((k = 0; k < s; k++)); do
    until timeout 1 bash -c "</dev/tcp/127.0.0.1/$((18500 + k))" 2>/dev/null; do sleep 0.2; done
  done
  echo
  echo "Remote (xapian-tcpsrv on loopback, one per shard):"
  echo
  nice -n 10 "$build/riskatlas-benchmark" --index "$stub" --corpus "$corpus" --rounds "${ROUNDS:-1}" --no-fts5
  stop_servers
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
