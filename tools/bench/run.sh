#!/usr/bin/env bash
# The benchmark suite's entry: builds Release, installs the peers (stripe-mock from the Go
# module proxy, localstripe from PyPI) and wrk, runs every scenario, writes docs/performance.md.
#   tools/bench/run.sh [--quick] [--out FILE]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="${PAYLEDGER_CACHE:-$HOME/.cache/payledger}"
"$root/tools/install-deps.sh"
command -v wrk >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
if [ ! -x "$cache/bench-bin/stripe-mock" ] && command -v go >/dev/null 2>&1; then
  GOBIN="$cache/bench-bin" go install github.com/stripe/stripe-mock@latest ||
    echo "stripe-mock could not be installed; the report says so" >&2
fi
if [ ! -x "$cache/localstripe-venv/bin/localstripe" ]; then
  { python3 -m venv "$cache/localstripe-venv" &&
    "$cache/localstripe-venv/bin/pip" install -q localstripe; } ||
    echo "localstripe could not be installed; the report says so" >&2
fi
BUILD_DIR="$root/build-release" BUILD_TYPE=Release "$root/tools/build.sh"
exec python3 "$root/tools/bench/bench.py" --build-dir "$root/build-release" "$@"
