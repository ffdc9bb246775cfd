#!/usr/bin/env bash
# Installs schemathesis from PyPI, pinned, into the tests' venv: the openapi_schemathesis test
# runs it over every /v1 operation of docs/openapi.yaml against a real payledgerd. Idempotent:
# seconds when already installed.
set -euo pipefail
venv="${PAYLEDGER_VENV:-$HOME/.cache/payledger/venv}"
schemathesis_version="4.32.5"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if [ "$("$venv/bin/python" -c 'from importlib.metadata import version; print(version("schemathesis"))' 2>/dev/null)" != "$schemathesis_version" ]; then
  "$venv/bin/pip" install -q "schemathesis==$schemathesis_version"
fi
