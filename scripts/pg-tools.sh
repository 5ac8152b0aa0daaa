#!/usr/bin/env bash
# Debian's PostgreSQL 17 (trixie) and 18 (sid) server and client binaries, made to run on Debian 12, for major
# upgrades into those majors: pg_upgrade wants the new cluster's binaries of exactly its own version, and the npm
# packages the engine runs ship no pg_upgrade or pg_dump. (15 is bookworm's own postgresql-15; no suite has 14 or 16.)
#
# Each major gets a tree under $PGDECK_PG_TOOLS (default /opt/pgdeck/pg-tools/<major>, a symlink to the release it
# is built in) in Debian's layout, so PostgreSQL's relocatable paths find share/ and lib/ beside bin/. The tree holds
# the suite's glibc and every library the binaries depend on, from the same suite. Executables get the bundled
# ld-linux as their interpreter and a DT_RPATH naming the bundled library directories first: unlike RUNPATH, RPATH
# also serves the libraries they load (extension modules, libpq's own dependencies). No LD_LIBRARY_PATH: pg_upgrade
# also runs the old cluster's npm binaries, which must keep the system's glibc.
#
# Packages come through a private apt configuration (its own sources, lists, cache and empty dpkg status under
# $PGDECK_APT_DIR, the Debian archive keyring): the system's apt sources are never touched and nothing from
# trixie or sid is installed. A stamp in each tree lists the package versions it was built from; when every tree is
# in place the script does nothing (no network). PGDECK_PG_TOOLS_REFRESH=1 reads the archive's indexes again and
# rebuilds a tree whose versions changed, downloading only the packages it does not have yet.
set -euo pipefail

TOOLS="${PGDECK_PG_TOOLS:-/opt/pgdeck/pg-tools}"
APT_DIR="${PGDECK_APT_DIR:-/var/cache/pgdeck-apt}"
MIRROR="${PGDECK_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
TARGETS=(17:trixie 18:sid)
# Bump when the way a tree is built changes: every tree is then built again.
LAYOUT=1
# Never bundled: LLVM (the JIT provider is removed, pg_upgrade and pg_dump need none) and Perl.
SKIP='^(libllvm|libperl|lib.*-perl$)'
LIBDIRS=(usr/lib/x86_64-linux-gnu lib/x86_64-linux-gnu)

say() { echo "pg-tools: $*"; }
die() { echo "pg-tools: $*" >&2; exit 1; }

fresh() { # major
  local dir="$TOOLS/$1"
  [ -x "$dir/usr/lib/postgresql/$1/bin/pg_upgrade" ] && [ "$(head -1 "$dir/.pgdeck-stamp" 2>/dev/null)" = "layout $LAYOUT" ]
}

if [ "${PGDECK_PG_TOOLS_REFRESH:-0}" != 1 ]; then
  stale=0
  for t in "${TARGETS[@]}"; do fresh "${t%%:*}" || stale=1; done
  [ $stale = 0 ] && exit 0
fi
[ "$(id -u)" = 0 ] || { say "not root: PostgreSQL ${TARGETS[*]%%:*} tools for major upgrades are not installed"; exit 0; }
[ "$(dpkg --print-architecture)" = amd64 ] || die "only amd64 is supported"
for cmd in patchelf dpkg-deb apt-get runuser flock; do command -v "$cmd" >/dev/null || die "$cmd is missing (scripts/setup.sh installs it)"; done

# apt with nothing of the system's configuration of sources, preferences, lists, cache or installed packages
apt_opts() { # suite
  local d="$APT_DIR/$1"
  echo "-o Dir::Etc::SourceList=$d/sources.list -o Dir::Etc::SourceParts=/dev/null -o Dir::Etc::Preferences=/dev/null"
  echo "-o Dir::Etc::PreferencesParts=/dev/null -o Dir::State::Lists=$d/lists -o Dir::State::status=$d/status"
  echo "-o Dir::Cache=$d/cache -o APT::Architectures=amd64 -o Acquire::Languages=none -q"
}

# The packages to bundle, "name=version" per line: the server, the client tools, libpq and, transitively, every
# library package they depend on (first alternative of each dependency), as the suite's index lists them today.
resolve() { # major suite
  local -a opts
  read -ra opts <<<"$(apt_opts "$2" | tr '\n' ' ')"
  apt-cache "${opts[@]}" dumpavail | awk -v roots="postgresql-$1 postgresql-client-$1 libpq5" -v skip="$SKIP" '
    /^Package:/ { p = $2 }
    /^Version:/ { version[p] = $2 }
    /^(Pre-)?Depends:/ { sub(/^[^:]*: /, ""); deps[p] = deps[p] ", " $0 }
    END {
      n = split(roots, queue, " ")
      for (i = 1; i <= n; i++) seen[queue[i]] = 1
      for (head = 1; head <= n; head++) {
        p = queue[head]
        if (!(p in version)) continue
        print p "=" version[p]
        m = split(deps[p], groups, /, */)
        for (i = 1; i <= m; i++) {
          split(groups[i], alt, / *\| */); d = alt[1]; sub(/[ :(].*/, "", d)
          if (d ~ /^(lib|zlib)/ && d !~ skip && !(d in seen)) { seen[d] = 1; queue[++n] = d }
        }
      }
    }'
}

install_major() { # major suite
  local m=$1 suite=$2 d="$APT_DIR/$2"
  local -a opts
  read -ra opts <<<"$(apt_opts "$suite" | tr '\n' ' ')"
  mkdir -p "$d/lists/partial" "$d/cache" "$d/debs"
  echo "deb [signed-by=$KEYRING] $MIRROR $suite main" >"$d/sources.list"
  : >"$d/status"
  say "reading the $suite package index"
  apt-get "${opts[@]}" update --error-on=any >"$d/update.log" 2>&1 ||
    die "could not download the $suite package index from $MIRROR: $(tail -3 "$d/update.log" | tr '\n' ' ')"

  local pkgs stamp
  pkgs="$(resolve "$m" "$suite" | sort -u)"
  grep -q "^postgresql-$m=" <<<"$pkgs" || die "$suite lists no postgresql-$m"
  stamp="$(printf 'layout %s\nsuite %s\n%s\n' "$LAYOUT" "$suite" "$pkgs")"
  if fresh "$m" && [ "$(cat "$TOOLS/$m/.pgdeck-stamp")" = "$stamp" ]; then
    say "PostgreSQL $m: up to date ($(grep "^postgresql-$m=" <<<"$pkgs"))"
    return
  fi

  # download what is not in the cache yet (apt names files name_version_arch.deb, an epoch's colon as %3a)
  local -a missing=() files=()
  local name version f
  while IFS='=' read -r name version; do
    f="$(compgen -G "$d/debs/${name}_${version//:/%3a}_*.deb" | head -1 || true)"
    if [ -n "$f" ]; then files+=("$f"); else missing+=("$name=$version"); fi
  done <<<"$pkgs"
  if [ ${#missing[@]} -gt 0 ]; then
    say "downloading ${#missing[@]} packages from $suite"
    chown _apt "$d/debs" 2>/dev/null || true
    (cd "$d/debs" && apt-get "${opts[@]}" download "${missing[@]}" >"$d/download.log" 2>&1) ||
      die "could not download from $suite: $(grep -E '^(E|Err):' "$d/download.log" | head -3 | tr '\n' ' ')"
  fi
  files=()
  while IFS='=' read -r name version; do
    f="$(compgen -G "$d/debs/${name}_${version//:/%3a}_*.deb" | head -1 || true)"
    [ -n "$f" ] || die "$name $version was not downloaded"
    files+=("$f")
  done <<<"$pkgs"
  # the cache keeps only what the current tree is built from
  for f in "$d"/debs/*.deb; do printf '%s\n' "${files[@]}" | grep -qxF "$f" || rm -f "$f"; done

  # built where it stays (the interpreter path is absolute), then switched to by renaming a symlink
  local rel="$TOOLS/.releases/$m-$(sha256sum <<<"$stamp" | cut -c1-12)"
  rm -rf "$rel"
  mkdir -p "$rel"
  for f in "${files[@]}"; do dpkg-deb -x "$f" "$rel"; done
  rm -rf "$rel"/usr/share/{doc,man,lintian,bug,info} "$rel"/usr/lib/postgresql/"$m"/lib/{llvmjit*,bitcode}

  local interp="$rel/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" rpath="" dir
  [ -e "$interp" ] || die "the $suite libc6 package has no ld-linux-x86-64.so.2 where expected"
  for dir in "${LIBDIRS[@]}"; do [ -d "$rel/$dir" ] && rpath+="$rel/$dir:"; done
  rpath+="$rel/usr/lib/postgresql/$m/lib:/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu"
  local -A glibc=()
  while read -r f; do glibc[$rel$f]=1; done < <(dpkg-deb -c "$(printf '%s\n' "${files[@]}" | grep '/libc6_')" | awk '{print substr($6, 2)}')
  while read -r f; do
    [ -n "${glibc[$f]:-}" ] && continue
    [ "$(head -c4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
    if [[ $f == "$rel/usr/lib/postgresql/$m/bin/"* ]]; then
      patchelf --set-interpreter "$interp" --force-rpath --set-rpath "$rpath" "$f"
    elif [[ $f == "$rel/usr/lib/postgresql/$m/lib/"* ]] || readelf -d "$f" | grep -qE '\((RUNPATH|RPATH)\)'; then
      # extension modules, and bundled libraries whose own search path would otherwise hide the bundle's
      patchelf --force-rpath --set-rpath "$rpath" "$f"
    fi
  done < <(find "$rel/usr/lib/postgresql/$m" "${LIBDIRS[@]/#/$rel/}" -type f 2>/dev/null)
  # postgres runs as unprivileged users: everything readable, directories and executables traversable
  chmod -R a+rX,go-w "$rel"

  local bin="$rel/usr/lib/postgresql/$m/bin" out smoke
  for f in postgres pg_upgrade pg_dump pg_restore psql initdb pg_ctl; do
    out="$("$bin/$f" -V 2>&1)" || die "$f from $suite does not run here: $out"
    [[ $out == *"PostgreSQL) $m."* ]] || die "$f from $suite says: $out"
  done
  # C.UTF-8 (what the engine's clusters use) must work under the bundled glibc, for an unprivileged user
  smoke="$(mktemp -d)"
  chmod 0711 "$smoke"
  install -d -o nobody "$smoke/data"
  if ! out="$(runuser -u nobody -- "$bin/initdb" -D "$smoke/data" -U postgres -E UTF8 --locale=C.UTF-8 --auth=reject -N 2>&1)"; then
    rm -rf "$smoke"
    die "initdb from $suite fails: $(tail -3 <<<"$out" | tr '\n' ' ')"
  fi
  rm -rf "$smoke"

  printf '%s\n' "$stamp" >"$rel/.pgdeck-stamp"
  [ -L "$TOOLS/$m" ] || rm -rf "${TOOLS:?}/$m"
  ln -sfn ".releases/$(basename "$rel")" "$TOOLS/.$m.link"
  mv -T "$TOOLS/.$m.link" "$TOOLS/$m"
  for dir in "$TOOLS/.releases/$m"-*; do [ "$dir" = "$rel" ] || rm -rf "$dir"; done
  say "PostgreSQL $m: $("$bin/postgres" -V) in $TOOLS/$m ($(du -sm "$rel" | cut -f1) MB, $(wc -l <<<"$pkgs") packages)"
}

mkdir -p "$TOOLS/.releases" "$APT_DIR"
chmod 0755 "$TOOLS" "$TOOLS/.releases"
# one at a time (setup runs before every test run): a second run waits, then finds the trees in place
exec 9>"$APT_DIR/.lock"
flock 9
for t in "${TARGETS[@]}"; do
  m="${t%%:*}"
  if [ "${PGDECK_PG_TOOLS_REFRESH:-0}" = 1 ] || ! fresh "$m"; then install_major "$m" "${t#*:}"; fi
done
