#!/usr/bin/env bash
# Installs Stripe's official SDKs at pinned versions, for the tests that check payledger's
# webhooks (and API) with them: stripe for Python into the tests' venv, stripe for Node into
# ~/.cache/payledger/node. Idempotent: seconds when already installed.
set -euo pipefail
venv="${PAYLEDGER_VENV:-$HOME/.cache/payledger/venv}"
node_dir="${PAYLEDGER_NODE:-$HOME/.cache/payledger/node}"
python_stripe="16.1.0"
node_stripe="23.1.0"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if [ "$("$venv/bin/python" -c 'import stripe; print(stripe.VERSION)' 2>/dev/null)" != "$python_stripe" ]; then
  "$venv/bin/pip" install -q "stripe==$python_stripe"
fi
if [ "$(node -p "require('$node_dir/node_modules/stripe/package.json').version" 2>/dev/null)" != "$node_stripe" ]; then
  mkdir -p "$node_dir"
  npm install --silent --no-audit --no-fund --prefix "$node_dir" "stripe@$node_stripe"
fi
