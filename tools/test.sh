#!/usr/bin/env bash
# README command 2: install, build, check formatting and lint, run every test, run the
# benchmark suite once in --quick mode (so that its code never rots; no timing is checked), then
# the sanitizer builds and the fuzzers (tools/sanitize.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# Stripe's Node SDK runs on node and comes with npm: Debian's, unless the machine has them.
node_packages=()
command -v node >/dev/null 2>&1 || node_packages+=(nodejs)
command -v npm >/dev/null 2>&1 || node_packages+=(npm)
# clang and its runtimes for the sanitizer builds and libFuzzer (tools/sanitize.sh).
"$root/tools/install-deps.sh" --test chromium python3-venv clang libclang-rt-14-dev "${node_packages[@]}"
"$root/tests/browser/setup.sh"
"$root/tests/webhooks/setup.sh"
"$root/tests/finance/setup.sh"
"$root/tests/api/setup.sh"
"$root/tools/lint.sh" install
cd "$root"
# Seconds, so before the build: a formatting slip fails fast.
echo "== clang-format"
git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror
"$root/tools/build.sh"
# clang-tidy and the sanitizer builds take the CPU the tests leave idle (they mostly wait on
# sockets, a broker and a browser): both run niced beside them, each in its own process group
# with its output kept for the end, so the tests still get the CPU whenever they want it.
lint_log="$(mktemp)"
sanitize_log="$(mktemp)"
echo "== clang-tidy and the sanitizer builds (niced, in the background beside the tests)"
setsid nice -n 19 "$root/tools/lint.sh" >"$lint_log" 2>&1 &
lint_pid=$!
setsid nice -n 19 "$root/tools/sanitize.sh" build >"$sanitize_log" 2>&1 &
sanitize_pid=$!
trap 'kill -- "-$lint_pid" "-$sanitize_pid" 2>/dev/null || true; rm -f "$lint_log" "$sanitize_log"' EXIT
# Waits for background job PID, prints its log LOG under TITLE, fails the command if it failed.
finish() {  # TITLE PID LOG
  local status=0
  echo "== $1 (waiting for it)"
  wait "$2" || status=$?
  cat "$3"
  [ "$status" -eq 0 ] || exit "$status"
}
echo "== kafka broker jars"
"$root/tools/kafka/broker.sh" fetch
echo "== tests"
ctest --test-dir "${BUILD_DIR:-$root/build}" --output-on-failure --timeout 900
echo "== benchmarks, --quick (every scenario runs and returns sane numbers; timings unchecked)"
"$root/tools/bench/run.sh" --quick
finish clang-tidy "$lint_pid" "$lint_log"
finish "sanitizer builds" "$sanitize_pid" "$sanitize_log"
trap - EXIT
rm -f "$lint_log" "$sanitize_log"
echo "== sanitizers and fuzzers"
"$root/tools/sanitize.sh" run
