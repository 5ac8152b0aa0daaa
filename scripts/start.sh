#!/usr/bin/env bash
# Starts pgdeck on this machine: installs what is missing, then runs the
# local engine in the foreground (the console joins it once it exists).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node_modules/.bin/tsx engine/main.ts "$@"
