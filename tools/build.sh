#!/usr/bin/env bash
# Configures and builds payledger into BUILD_DIR (default ./build).
#   build.sh            every library, binary, test and fuzz target (the test command)
#   build.sh TARGET...  only those targets and what they link (tools/run.sh: the two binaries)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${BUILD_DIR:-$root/build}"
build_type="${BUILD_TYPE:-RelWithDebInfo}"
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$build_dir" --parallel "$(nproc)" "${targets[@]}"
