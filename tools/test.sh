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
cd "$root"
# Seconds, so before the build: a formatting slip fails fast.
echo "== clang-format"
git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror
"$root/tools/build.sh"
# clang-tidy takes the CPU the tests leave idle (they mostly wait on sockets, a broker and a
# browser): it runs niced beside them, its report printed once both are done.
echo "== clang-tidy (in the background, beside the tests and benchmarks)"
lint_log="$(mktemp)"
setsid nice -n 19 "$root/tools/lint.sh" >"$lint_log" 2>&1 &
lint_pid=$!
trap 'kill -- "-$lint_pid" 2>/dev/null || true; rm -f "$lint_log"' EXIT  # its own process group
echo "== kafka broker jars"
"$root/tools/kafka/broker.sh" fetch
echo "== tests"
ctest --test-dir "${BUILD_DIR:-$root/build}" --output-on-failure --timeout 900
echo "== benchmarks, --quick (every scenario runs and returns sane numbers; timings unchecked)"
"$root/tools/bench/run.sh" --quick
echo "== clang-tidy (waiting for it)"
lint_status=0
wait "$lint_pid" || lint_status=$?
trap - EXIT
cat "$lint_log"
rm -f "$lint_log"
[ "$lint_status" -eq 0 ] || exit "$lint_status"
echo "== sanitizers and fuzzers"
"$root/tools/sanitize.sh"
