#!/usr/bin/env bash
# Installs what the browser tests drive Debian's chromium with: Playwright for Python, in a venv
# of its own (~/.cache/payledger/venv). Playwright's own browser downloads are not used.
# Idempotent: seconds when already installed.
set -euo pipefail
venv="${PAYLEDGER_VENV:-$HOME/.cache/payledger/venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import playwright" 2>/dev/null; then
  "$venv/bin/pip" install -q "playwright>=1.40,<2"
fi
