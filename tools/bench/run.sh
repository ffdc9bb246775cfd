#!/usr/bin/env bash
# The benchmark suite's entry: builds Release, installs wrk and the peers (stripe-mock from the Go
# module proxy, localstripe from PyPI), runs every scenario, writes docs/performance.md.
#   tools/bench/run.sh [--quick] [--out FILE] [--baseline REV]
# --baseline REV builds that git revision too (a worktree under the cache) and measures its
# payledgerd and replay beside this build's, in the same run.
# A peer that cannot be installed is left out, and the report says so.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="${PAYLEDGER_CACHE:-$HOME/.cache/payledger}"
extra=(wrk python3-venv)
command -v go >/dev/null 2>&1 || extra+=(golang-go)
"$root/tools/install-deps.sh" "${extra[@]}"
if [ ! -x "$cache/bench-bin/stripe-mock" ]; then
  echo "== installing stripe-mock"
  GOBIN="$cache/bench-bin" go install github.com/stripe/stripe-mock@latest ||
    echo "stripe-mock could not be installed; the report leaves it out" >&2
fi
if [ ! -x "$cache/localstripe-venv/bin/localstripe" ]; then
  echo "== installing localstripe"
  { python3 -m venv "$cache/localstripe-venv" &&
    "$cache/localstripe-venv/bin/pip" install -q localstripe; } ||
    echo "localstripe could not be installed; the report leaves it out" >&2
fi
build="$root/build-release"
if [[ " $* " == *" --quick "* ]]; then
  # --quick checks that every scenario runs, not how fast: the test command's own build
  # (RelWithDebInfo) serves, and a second, Release build of the tree is not worth its minutes.
  build="${BUILD_DIR:-$root/build}"
  echo "== building the servers and the bench programs ($build)"
  cmake -S "$root" -B "$build" -G Ninja >/dev/null
else
  echo "== building Release (the servers and the bench programs)"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" --parallel "$(nproc)" --target payledgerd payledger \
  bench_ceiling bench_store bench_flow bench_fill
args=()
while (($#)); do
  if [ "$1" = "--baseline" ]; then
    rev="$(git -C "$root" rev-parse --short "$2")"
    src="$cache/baseline-$rev"
    [ -d "$src" ] || git -C "$root" worktree add --detach "$src" "$rev" >/dev/null
    echo "== building the baseline $rev (Release)"
    cmake -S "$src" -B "$src/build-release" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$src/build-release" --parallel "$(nproc)" --target payledgerd payledger bench_fill
    args+=(--baseline-build "$src/build-release" --baseline-name "$rev")
    shift 2
  else
    args+=("$1")
    shift
  fi
done
exec python3 "$root/tools/bench/bench.py" --build-dir "$build" "${args[@]}"
