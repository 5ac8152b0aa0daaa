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

# Ctrl-C, or SIGTERM/SIGINT to npm or to this script, ends the console and the engine (nothing of theirs keeps
# listening). The databases keep running: the data plane outlives the control plane; `npm stop` stops them too.
engine_pid=""
console_pid=""
stopped() {
  # no second signal (npm passes Ctrl-C on too) may cut this cleanup short
  trap - EXIT
  trap '' INT TERM
  for pid in $console_pid $engine_pid; do kill -TERM "$pid" 2>/dev/null || true; done
  # background jobs of a non-interactive shell ignore Ctrl-C's SIGINT: they were told with SIGTERM above
  for pid in $console_pid $engine_pid; do
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  rm -f "$PGDECK_DATA/start.pid"
  echo "pgdeck: the console and the engine have stopped; the databases keep running (npm stop stops them)."
}
trap stopped EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
echo $$ > "$PGDECK_DATA/start.pid"

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
console_pid=$!
# returns when the console ends, or at once when a trapped signal arrives (the trap then runs)
wait "$console_pid"
