#!/usr/bin/env bash
# Installs DuckDB from PyPI, pinned, into the tests' venv: the finance CLI test loads
# `payledger export` into it as an analyst would. Idempotent: seconds when already installed.
set -euo pipefail
venv="${PAYLEDGER_VENV:-$HOME/.cache/payledger/venv}"
duckdb_version="1.1.3"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if [ "$("$venv/bin/python" -c 'import duckdb; print(duckdb.__version__)' 2>/dev/null)" != "$duckdb_version" ]; then
  "$venv/bin/pip" install -q "duckdb==$duckdb_version"
fi
