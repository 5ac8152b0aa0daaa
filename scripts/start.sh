#!/usr/bin/env bash
# Starts pgdeck on this machine: installs what is missing, builds the console
# if its sources changed, runs the local engine (unless PGDECK_ENGINE_URL
# points at another upstream) and serves the console on http://127.0.0.1:3000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

if [ "$(id -u)" = 0 ]; then default_data=/var/lib/pgdeck; else default_data="${XDG_DATA_HOME:-$HOME/.local/share}/pgdeck"; fi
export PGDECK_DATA="${PGDECK_DATA:-$default_data}"
mkdir -p "$PGDECK_DATA"

# The console's cookie encryption key: set PGDECK_SESSION_SECRET to share one between several consoles.
if [ -z "${PGDECK_SESSION_SECRET:-}" ]; then
  key_file="$PGDECK_DATA/console-session.key"
  if [ ! -s "$key_file" ]; then (umask 077; head -c 48 /dev/urandom | base64 -w0 > "$key_file"); fi
  PGDECK_SESSION_SECRET="$(cat "$key_file")"
  export PGDECK_SESSION_SECRET
fi

export NEXT_TELEMETRY_DISABLED=1
if [ ! -f .next/BUILD_ID ] || [ -n "$(find app components lib next.config.js package-lock.json -newer .next/BUILD_ID -print -quit)" ]; then
  echo "start: building the console"
  node_modules/.bin/next build >/dev/null
fi

engine_pid=""
stop() {
  if [ -n "$engine_pid" ] && kill -0 "$engine_pid" 2>/dev/null; then
    kill -TERM "$engine_pid"
    wait "$engine_pid" || true
  fi
}
trap stop EXIT
trap 'exit 0' INT TERM

if [ -z "${PGDECK_ENGINE_URL:-}" ]; then
  listen="${PGDECK_ENGINE_LISTEN:-127.0.0.1:8079}"
  export PGDECK_ENGINE_LISTEN="$listen"
  node --import tsx engine/main.ts &
  engine_pid=$!
  export PGDECK_ENGINE_URL="http://$listen/v2"
  # ready when it answers (403: a request without a signature)
  for _ in $(seq 1 120); do
    if node -e "fetch(process.argv[1]).then(r=>process.exit(r.status===403?0:1),()=>process.exit(1))" "$PGDECK_ENGINE_URL/zone"; then break; fi
    kill -0 "$engine_pid" 2>/dev/null || { echo "start: the engine stopped" >&2; exit 1; }
    sleep 0.5
  done
fi

# The console's own origins (its Host and Origin checks) default to http://HOST:PORT and http://localhost:PORT.
export HOST="${HOST:-127.0.0.1}" PORT="${PORT:-3000}"
host="$HOST"
port="$PORT"
echo "pgdeck console: http://$host:$port (upstream $PGDECK_ENGINE_URL)"
node_modules/.bin/next start -H "$host" -p "$port" &
wait $!
