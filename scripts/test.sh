#!/usr/bin/env bash
# Every check: installs what the tests need on a fresh machine, then type
# checking, lint, unit tests and the engine tests against real PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== typecheck"; node_modules/.bin/tsc --noEmit
echo "== lint"; node_modules/.bin/eslint .
echo "== tests"; node_modules/.bin/vitest run
