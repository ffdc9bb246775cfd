#!/usr/bin/env bash
# Configures and builds payledger into BUILD_DIR (default ./build).
#   build.sh            every library, binary, test and fuzz target (the test command)
#   build.sh TARGET...  only those targets and what they link (tools/run.sh: the two binaries)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${BUILD_DIR:-$root/build}"
build_type="${BUILD_TYPE:-RelWithDebInfo}"
# A unity build compiles each library's files as one or two translation units, so the heavy
# third-party headers (RocksDB, simdjson, cpp-httplib) are parsed once a library instead of
# once a file: about 2.4x less compiler time for the whole tree (docs/performance.md, "Build
# time"). UNITY_BUILD=OFF builds file by file (quicker to rebuild after editing one file).
unity="${UNITY_BUILD:-ON}"
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" \
  -DCMAKE_UNITY_BUILD="$unity" >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$build_dir" --parallel "$(nproc)" "${targets[@]}"
