#!/usr/bin/env bash
# Every check: installs what the tests need on a fresh machine, then type
# checking, lint, unit tests, engine tests against real PostgreSQL, the
# console's production build, and end-to-end tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NEXT_TELEMETRY_DISABLED=1
echo "== typecheck"; node_modules/.bin/tsc --noEmit
echo "== lint"; node_modules/.bin/eslint .
echo "== unit and engine tests"; node_modules/.bin/vitest run
echo "== console build"; PGDECK_SESSION_SECRET="build-only-$(head -c 32 /dev/urandom | base64 -w0)" node_modules/.bin/next build >/dev/null
echo "== end-to-end tests"; node_modules/.bin/playwright test
