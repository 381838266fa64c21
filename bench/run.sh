#!/bin/bash
# One benchmark run at N records (bench/README.md): generate the corpus, index it under
# /usr/bin/time -v, run riskatlas-benchmark (in-process, floor, FTS5), then wrk over HTTP.
#   bench/run.sh N [SEED]     env: BUILD (default build), WORK (default /tmp/riskatlas-bench),
#                             RISKATLAS_REAL_DATA (grow the published exports instead of corpus/),
#                             SKIP_WRK=1, ROUNDS (riskatlas-benchmark --rounds, default 2)
# Everything runs at nice 10; generated corpora and indexes stay under WORK, never in the tree.
set -euo pipefail
n=$1 seed=${2:-1}
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${BUILD:-$src/build}" && pwd)
dir=${WORK:-/tmp/riskatlas-bench}/$n
rm -rf "$dir"
mkdir -p "$dir"

echo "## N = $n (seed $seed, source ${RISKATLAS_REAL_DATA:-corpus/})"
echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
nice -n 10 "$build/riskatlas-gencorpus" --out "$dir/corpus" --records "$n" --seed "$seed"

/usr/bin/time -v -o "$dir/index.time" nice -n 10 "$build/riskatlas-index" --quiet --corpus "$dir/corpus" \
  --index "$dir/index" 2>"$dir/index.err"
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$dir/index.time")
seconds=$(awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }' <<<"$wall")
rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/index.time")
# CPU time too: on a shared machine the wall time mostly measures the other processes.
cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$dir/index.time")
generation=$(find "$dir/index" -maxdepth 1 -name 'gen-*' -print -quit)
docs=$(xapian-delve "$generation" | awk -F'= ' '/number of documents/ {print $2}')
size=$(du -sb "$generation" | cut -f1)
echo
echo "| build | value |"
echo "| --- | --- |"
echo "| riskatlas-index wall time | ${seconds} s |"
echo "| records/s (N risks + ATLAS, load and verify included) | $(awk -v n="${docs:-$n}" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }') |"
echo "| CPU time (user + system) | ${cpu} s |"
echo "| records/s per CPU second | $(awk -v n="${docs:-$n}" -v s="$cpu" 'BEGIN { printf "%.0f", n / s }') |"
echo "| documents | ${docs:-?} |"
echo "| index size | $(awk -v b="$size" 'BEGIN { printf "%.1f MiB", b / 1048576 }') |"
echo "| indexer peak RSS | $(awk -v k="$rss_kb" 'BEGIN { printf "%.0f MiB", k / 1024 }') |"
echo
nice -n 10 "$build/riskatlas-benchmark" --index "$dir/index" --corpus "$dir/corpus" --rounds "${ROUNDS:-2}"
if [[ -z "${SKIP_WRK:-}" ]]; then
  echo
  echo "HTTP (wrk, loopback, 2 threads, ${DURATION:-10s} per row, cycling search + prefix + browse paths):"
  echo
  "$src/bench/wrk/run.sh" "$build" "$dir/index" "$dir/corpus/queries/search.txt" "$dir/corpus/queries/prefix.txt" \
    "$dir/corpus/queries/browse.txt"
fi
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
