#!/usr/bin/env bash
# clang-tidy over every source file of the libraries and binaries (checks in .clang-tidy).
#
# clang-tidy is LLVM 22's, pinned, from PyPI into the tests' venv, not Debian's 14: 14's checks
# walk every header of a translation unit, the standard library's and simdjson's included, and
# then discard what they find there (20 of the 33 s of one resource's routes.cc); 22 skips
# system headers (0.2 s). The static analyzer runs in its shallow mode (a smaller inlining
# budget, the same checkers): the deep mode took 38 s of that file's 46, shallow 3
# (docs/performance.md, "The test command's time"). CLANG_TIDY=... runs another binary.
#
#   tools/lint.sh            install clang-tidy if missing, then lint
#   tools/lint.sh install    only install it (the test command does, before its build)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${PAYLEDGER_VENV:-$HOME/.cache/payledger/venv}"
clang_tidy_version="22.1.8"
if [ -z "${CLANG_TIDY:-}" ]; then
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  if [ "$("$venv/bin/python" -c 'from importlib.metadata import version; print(version("clang-tidy"))' 2>/dev/null)" != "$clang_tidy_version" ]; then
    "$venv/bin/pip" install -q "clang-tidy==$clang_tidy_version"
  fi
fi
clang_tidy="${CLANG_TIDY:-$venv/bin/clang-tidy}"
[ "${1:-}" != install ] || exit 0
# clang-tidy reads each file's own compile command, which a unity build's database does not
# have (it lists the merged files): a configure-only tree of the same flags, file by file.
lint_dir="${LINT_BUILD_DIR:-$root/build-lint}"
cmake -S "$root" -B "$lint_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_UNITY_BUILD=OFF -DBUILD_TESTING=OFF >/dev/null
cd "$root"
out="$(mktemp)"
status=0
git ls-files 'domain/*.cc' 'json/*.cc' 'http/*.cc' 'eventstore/*.cc' 'contract/*.cc' 'projections/*.cc' 'kafka/*.cc' \
  'api/*.cc' 'resources/*.cc' 'webhooks/*.cc' 'finance/*.cc' 'app/*.cc' 'tools/*.cc' |
  xargs -P "$(nproc)" -n 4 "$clang_tidy" -p "$lint_dir" --quiet --warnings-as-errors='*' \
    --extra-arg=-Xclang --extra-arg=-analyzer-config --extra-arg=-Xclang --extra-arg=mode=shallow \
    >"$out" 2>&1 || status=$?
grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?generated|^Suppressed|^Use -header-filter' \
  "$out" || true
rm -f "$out"
if [ "$status" -ne 0 ]; then
  echo "clang-tidy found problems (above)"
  exit 1
fi
echo "clang-tidy: clean"
