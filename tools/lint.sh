#!/usr/bin/env bash
# clang-tidy over every source file of the libraries and binaries (checks in .clang-tidy).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# clang-tidy reads each file's own compile command, which a unity build's database does not
# have (it lists the merged files): a configure-only tree of the same flags, file by file.
lint_dir="${LINT_BUILD_DIR:-$root/build-lint}"
cmake -S "$root" -B "$lint_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_UNITY_BUILD=OFF -DBUILD_TESTING=OFF >/dev/null
cd "$root"
out="$(mktemp)"
status=0
git ls-files 'domain/*.cc' 'json/*.cc' 'eventstore/*.cc' 'contract/*.cc' 'projections/*.cc' 'kafka/*.cc' \
  'api/*.cc' 'resources/*.cc' 'webhooks/*.cc' 'finance/*.cc' 'app/*.cc' 'tools/*.cc' |
  xargs -P "$(nproc)" -n 4 clang-tidy -p "$lint_dir" --quiet --warnings-as-errors='*' \
    >"$out" 2>&1 || status=$?
grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?generated|^Suppressed|^Use -header-filter' \
  "$out" || true
rm -f "$out"
if [ "$status" -ne 0 ]; then
  echo "clang-tidy found problems (above)"
  exit 1
fi
echo "clang-tidy: clean"
