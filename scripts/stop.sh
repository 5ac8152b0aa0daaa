#!/usr/bin/env bash
# npm stop: ends what npm start runs (the console and the engine), then stops
# every database of the engine's data directory (each PgBouncer, each node's
# postmaster, with a fast shutdown). `npm start` starts them all again.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ]; then default_data=/var/lib/pgdeck; else default_data="${XDG_DATA_HOME:-$HOME/.local/share}/pgdeck"; fi
export PGDECK_DATA="${PGDECK_DATA:-$default_data}"

pid_file="$PGDECK_DATA/start.pid"
if [ -f "$pid_file" ]; then
  pid="$(cat "$pid_file")"
  if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q 'scripts/start.sh'; then
    kill -TERM "$pid"
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    echo "stop: the console and the engine of npm start have stopped"
  fi
fi
if [ ! -d "$PGDECK_DATA" ]; then echo "stop: no data directory at $PGDECK_DATA: nothing to stop"; exit 0; fi
exec node --import tsx engine/main.ts stop --data "$PGDECK_DATA"
