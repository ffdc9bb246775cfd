#!/usr/bin/env bash
# README command 1: install, build, and start payledgerd on the embedded default
# (RocksDB in ./data, 127.0.0.1:8080). Extra arguments go to payledgerd.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# Only what building and running the server takes, and only the server and the CLI are built:
# the tests, fuzzers and benchmarks are the test command's (tools/test.sh).
"$root/tools/install-deps.sh"
"$root/tools/build.sh" payledgerd payledger
cd "$root"
exec "$root/build/tools/payledgerd" --data-dir ./data --listen 127.0.0.1:8080 "$@"
