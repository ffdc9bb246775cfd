#!/usr/bin/env bash
# README command 2: install, build, check formatting and lint, run every test, and run the
# benchmark suite once in --quick mode (so that its code never rots; no timing is checked).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# Stripe's Node SDK runs on node and comes with npm: Debian's, unless the machine has them.
node_packages=()
command -v node >/dev/null 2>&1 || node_packages+=(nodejs)
command -v npm >/dev/null 2>&1 || node_packages+=(npm)
"$root/tools/install-deps.sh" chromium python3-venv "${node_packages[@]}"
"$root/tests/browser/setup.sh"
"$root/tests/webhooks/setup.sh"
"$root/tests/finance/setup.sh"
"$root/tools/build.sh"
cd "$root"
echo "== clang-format"
git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror
echo "== clang-tidy"
"$root/tools/lint.sh"
echo "== kafka broker jars"
"$root/tools/kafka/broker.sh" fetch
echo "== tests"
ctest --test-dir "${BUILD_DIR:-$root/build}" --output-on-failure --timeout 900
echo "== benchmarks, --quick (every scenario runs and returns sane numbers; timings unchecked)"
"$root/tools/bench/run.sh" --quick
