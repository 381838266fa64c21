#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/*_fuzz.cc, ASan+UBSan, clang++) in build-fuzz and runs each
# for a bounded time, one target per core at a time, on a temporary copy of its seeds, so new corpus
# files never land in the repository.
# Fails when any target finds a crash, a leak, a timeout or a broken invariant; the input that did it is
# kept in build-fuzz/fuzz-artifacts/<target>/.
#
#   tests/fuzz/run.sh [seconds-per-target] [target ...]     default: 20 s, every target
#
# Targets: risk_csv atlas_yaml jsonl links synonyms analyzer query_search request_params hit_summary.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-20}
shift || true
build=build-fuzz
all=(risk_csv atlas_yaml jsonl links synonyms analyzer query_search request_params hit_summary)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
  -DRISKATLAS_FUZZ=ON -DRISKATLAS_TESTS=OFF >/dev/null
cmake --build "$build" --target riskatlas-fuzzers -j"$(nproc)"

# Per target: its dictionary and the default corpus file of its format (ours, see corpus/README.md),
# added to the seeds.
declare -A dict=([risk_csv]=risk_csv [atlas_yaml]=yaml [jsonl]=jsonl [links]=yaml [synonyms]=yaml
                 [query_search]=query [request_params]=request_params)
declare -A extra=([risk_csv]=corpus/ai-risk-repository.csv [atlas_yaml]=corpus/atlas.yaml
                  [jsonl]=corpus/team-register.jsonl [links]=corpus/links.yaml [synonyms]=corpus/synonyms.yaml)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One target per core at a time: libFuzzer runs a target on one thread, and each keeps its full time.
run_target() {
  local t=$1
  # Called beside ||, where errexit is off: a failed step must return by itself.
  mkdir -p "$work/$t" "$build/fuzz-artifacts/$t" || return 1
  : >"$build/fuzz-artifacts/$t/last-run.log"  # no earlier run's log read as this one's
  cp tests/fuzz/seeds/"$t"/* "$work/$t/" || return 1
  if [ -n "${extra[$t]:-}" ]; then cp "${extra[$t]}" "$work/$t/" || return 1; fi
  local args=(-max_total_time="$seconds" -timeout=10 -max_len=65536 -print_final_stats=1
              -artifact_prefix="$build/fuzz-artifacts/$t/")
  [ -z "${dict[$t]:-}" ] || args+=(-dict="tests/fuzz/dicts/${dict[$t]}.dict")
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/riskatlas-fuzz-$t" "${args[@]}" "$work/$t" >"$build/fuzz-artifacts/$t/last-run.log" 2>&1
}
# Each target once: two runs of one target at a time would share its folders and log.
declare -A seen=()
unique=()
for t in "${targets[@]}"; do
  [ -d "tests/fuzz/seeds/$t" ] || { echo "unknown fuzz target: $t" >&2; exit 1; }
  [ -n "${seen[$t]:-}" ] || unique+=("$t")
  seen[$t]=1
done
targets=("${unique[@]}")
running=0
for t in "${targets[@]}"; do
  if [ "$running" -ge "$(nproc)" ]; then wait -n || true; running=$((running - 1)); fi
  (rc=0; run_target "$t" || rc=$?; echo "$rc" >"$work/$t.rc") &
  running=$((running + 1))
done
wait

failed=()
for t in "${targets[@]}"; do
  log="$build/fuzz-artifacts/$t/last-run.log"
  if [ "$(cat "$work/$t.rc")" = 0 ]; then
    echo "fuzz $t: ok, $(grep -o 'number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$') runs in ${seconds} s"
  else
    echo "fuzz $t: FAILED (log: $log)"
    grep -E 'ERROR|runtime error|invariant|Test unit written' "$log" | head -5 || true
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz targets that failed: ${failed[*]}" >&2
  exit 1
fi
