#!/usr/bin/env bash
# The test command's second builds, with clang (fuzz/README.md, tests/README.md):
#   1. AddressSanitizer + UndefinedBehaviorSanitizer: the unit and HTTP tests, and every libFuzzer
#      target run for PAYLEDGER_FUZZ_SECONDS each (default 15) over its corpus, seed printed
#      (PAYLEDGER_FUZZ_SEED replays one);
#   2. ThreadSanitizer: the event store's concurrency tests.
# Builds go to build-asan/ and build-tsan/ (unity builds: these are not linted, only run).
#
#   tools/sanitize.sh          build both, then run the tests and the fuzzers
#   tools/sanitize.sh build    only build (the test command runs this niced beside its tests)
#   tools/sanitize.sh run      only run what an earlier `build` built
set -euo pipefail
phase="${1:-all}"
case "$phase" in all | build | run) ;; *) echo "usage: $0 [build|run]" >&2; exit 2 ;; esac
root="$(cd "$(dirname "$0")/.." && pwd)"
asan_dir="${ASAN_BUILD_DIR:-$root/build-asan}"
tsan_dir="${TSAN_BUILD_DIR:-$root/build-tsan}"
fuzz_seconds="${PAYLEDGER_FUZZ_SECONDS:-15}"
fuzz_seed="${PAYLEDGER_FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"
jobs="$(nproc)"

configure() {  # DIR SANITIZERS [more cmake args]
  local dir="$1" sanitizers="$2"
  shift 2
  cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=Sanitize -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" \
    -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=8 \
    -DPAYLEDGER_SANITIZE="$sanitizers" "$@" >/dev/null
}

# What crashes a test under a sanitizer stops it, with a stack.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$root/tools/tsan-suppressions.txt"

unit_and_http=(test_domain test_json test_http test_contract test_eventstore test_projections test_api
  test_resources test_finance test_webhooks test_workload test_power_loss)
fuzzers=(form_params json_params event_decoder card_number kafka_message)

if [ "$phase" != run ]; then
  echo "== ASan+UBSan build (clang, $asan_dir)"
  configure "$asan_dir" "address,undefined" -DPAYLEDGER_FUZZ=ON
  cmake --build "$asan_dir" --parallel "$jobs" --target "${unit_and_http[@]}" \
    $(printf 'fuzz_%s ' "${fuzzers[@]}")
  echo "== TSan build (clang, $tsan_dir): the event store's concurrency tests"
  configure "$tsan_dir" "thread"
  cmake --build "$tsan_dir" --parallel "$jobs" --target test_eventstore_concurrency
fi
[ "$phase" != build ] || exit 0

echo "== unit and HTTP tests under ASan+UBSan"
ctest --test-dir "$asan_dir" --output-on-failure --timeout 900 --no-tests=error \
  -R "^($(IFS='|'; echo "${unit_and_http[*]}"))\$"

echo "== fuzzing: ${fuzz_seconds}s a target, PAYLEDGER_FUZZ_SEED=$fuzz_seed"
crashes="$asan_dir/fuzz-crashes"
mkdir -p "$crashes"
for name in "${fuzzers[@]}"; do
  scratch="$(mktemp -d)"
  echo "-- fuzz_$name"
  if ! "$asan_dir/fuzz/fuzz_$name" -seed="$fuzz_seed" -max_total_time="$fuzz_seconds" \
      -max_len=4096 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
      -artifact_prefix="$crashes/$name-" "$scratch" "$root/fuzz/corpus/$name" \
      "$root/fuzz/regressions/$name" >"$scratch.log" 2>&1; then
    tail -n 60 "$scratch.log"
    echo "fuzz_$name found a crash (seed $fuzz_seed): the input is in $crashes;"
    echo "fix it and add the input to fuzz/regressions/$name/"
    exit 1
  fi
  grep -E "^(stat::number_of_executed_units|stat::new_units_added)" "$scratch.log" | tr '\n' ' '
  echo
  rm -rf "$scratch" "$scratch.log"
done

echo "== the event store's concurrency tests under TSan"
# The kill -9 case forks a writer process, which ThreadSanitizer does not follow.
"$tsan_dir/tests/test_eventstore_concurrency" --test-case-exclude='*kill -9*'
