// A service's WAL archive: every completed WAL file, gzip-compressed, with the
// sha256 of its uncompressed bytes beside it, in a directory of the engine's
// data (outside PostgreSQL's data directory), written by PostgreSQL's
// archive_command as the service's own OS user. A file is renamed into place
// only when whole, so a crash never leaves a partial file under its real name.
import { chmodSync, createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** The archive script PostgreSQL runs for each completed WAL file: `archive-wal DIR %p %f`. */
export const ARCHIVE_SCRIPT = `#!/bin/sh
# Written by the pgdeck engine. PostgreSQL's archive_command: archives one WAL
# file into DIR, gzip-compressed, with the sha256 of its uncompressed bytes
# beside it. Written under temporary names, synced, then renamed: a crash never
# leaves a partial file under a real name. Exits non-zero on any failure, and
# PostgreSQL retries the file until it succeeds.
set -eu
dir="$1"; path="$2"; name="$3"
case "$name" in ""|.*|*[!0-9A-Za-z._-]*) echo "archive-wal: refusing the name '$name'" >&2; exit 1;; esac
sum=$(sha256sum < "$path" | cut -d' ' -f1)
if [ -f "$dir/$name.gz" ]; then
  # asked again after a crash: the same bytes are archived already; other bytes never overwrite them
  [ "$(cat "$dir/$name.sha256" 2>/dev/null)" = "$sum" ] && exit 0
  echo "archive-wal: $name is archived already, with other contents" >&2
  exit 1
fi
tmp="$dir/.$name.$$"
gzip -1 -c < "$path" > "$tmp.gz"
printf '%s\\n' "$sum" > "$tmp.sha256"
sync "$tmp.gz" "$tmp.sha256"
mv "$tmp.sha256" "$dir/$name.sha256"
mv "$tmp.gz" "$dir/$name.gz"
sync "$dir"
`;

/**
 * A standby's restore_command: `restore-wal DIR %f %p` copies one archived WAL file (or timeline history file) out
 * of the archive, checked against its sha256. Exits 1 when the file is not archived: PostgreSQL then streams
 * from its upstream instead. What lets a standby whose slot was lost, or that fell behind, catch up.
 */
export const RESTORE_SCRIPT = `#!/bin/sh
# Written by the pgdeck engine. A standby's restore_command.
set -eu
dir="$1"; name="$2"; path="$3"
case "$name" in ""|.*|*[!0-9A-Za-z._-]*) echo "restore-wal: refusing the name '$name'" >&2; exit 1;; esac
[ -f "$dir/$name.gz" ] || exit 1
tmp="$path.pgdeck-restore"
gzip -dc < "$dir/$name.gz" > "$tmp"
sum=$(sha256sum < "$tmp" | cut -d' ' -f1)
if [ "$(cat "$dir/$name.sha256")" != "$sum" ]; then
  rm -f "$tmp"
  echo "restore-wal: $name does not match its checksum" >&2
  exit 1
fi
mv "$tmp" "$path"
`;

/** Installs a script every service's OS user can run (root-owned, 0755), atomically, when it changed. */
function installScript(binDir: string, name: string, text: string): string {
  mkdirSync(binDir, { recursive: true, mode: 0o755 });
  chmodSync(binDir, 0o755);
  const file = join(binDir, name);
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return file;
  writeFileSync(`${file}.tmp`, text, { mode: 0o755 });
  chmodSync(`${file}.tmp`, 0o755);
  // a running archive_command keeps the old file or gets the new one, never half of one
  renameSync(`${file}.tmp`, file);
  return file;
}

/** Installs the archive script where every service's OS user can run it. */
export const installArchiveScript = (binDir: string): string => installScript(binDir, 'archive-wal', ARCHIVE_SCRIPT);

/** Installs the restore script beside it. */
export const installRestoreScript = (binDir: string): string => installScript(binDir, 'restore-wal', RESTORE_SCRIPT);

/** What a node runs with to archive its WAL into `walDir`, at most `timeoutSeconds` after a commit. */
export function archiveSettings(script: string, walDir: string, timeoutSeconds: number): Record<string, string | number> {
  const q = (s: string) => `'${s}'`;
  return { archive_mode: 'on', archive_command: `${q(script)} ${q(walDir)} %p %f`, archive_timeout: timeoutSeconds };
}

/** A WAL segment's name: timeline, then the segment's position (log, seg), each 8 hex digits. */
export interface WalName {
  timeline: number;
  /** Position independent of the timeline, comparable: log * 2^32 + seg. */
  position: bigint;
}

const SEGMENT = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$/;

export function parseWalName(name: string): WalName | null {
  const m = SEGMENT.exec(name);
  if (!m) return null;
  return { timeline: parseInt(m[1] ?? '', 16), position: (BigInt(`0x${m[2]}`) << 32n) + BigInt(`0x${m[3]}`) };
}

export interface ArchivedFile {
  /** The WAL file's own name (a segment, a timeline history file, a backup history file). */
  name: string;
  /** When it was archived (the archive file's modification time). */
  archivedAt: Date;
  size: number;
}

/** The complete files of an archive, oldest first by name. */
export function listArchive(dir: string): ArchivedFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.gz') && !f.startsWith('.'))
    .map((f) => {
      const st = statSync(join(dir, f));
      return { name: f.slice(0, -3), archivedAt: st.mtime, size: st.size };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Removes what an archive_command cut off by a crash left (temporary files over ten minutes old: younger ones may be in the making). */
export function removeUnfinished(dir: string): void {
  if (!existsSync(dir)) return;
  const before = Date.now() - 10 * 60_000;
  for (const f of readdirSync(dir)) {
    if (!f.startsWith('.')) continue;
    try {
      if (statSync(join(dir, f)).mtimeMs < before) rmSync(join(dir, f), { force: true });
    } catch {
      // gone meanwhile
    }
  }
}

/** Removes archived files by WAL name (its .gz and .sha256). */
export function removeArchived(dir: string, name: string): void {
  rmSync(join(dir, `${name}.gz`), { force: true });
  rmSync(join(dir, `${name}.sha256`), { force: true });
}

export class ChecksumError extends Error {
  constructor(readonly file: string, expected: string, actual: string) {
    super(`${file}: checksum mismatch (expected sha256 ${expected.slice(0, 16)}…, found ${actual.slice(0, 16)}…): the file is damaged or was changed`);
    this.name = 'ChecksumError';
  }
}

/** A stream stage that hashes what passes through it. */
export function hashingTap(): { tap: Transform; digest: () => string } {
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  return { tap, digest: () => hash.digest('hex') };
}

/** Decompresses one archived WAL file to `to`, checking it against its recorded sha256. */
export async function extractArchived(dir: string, name: string, to: string): Promise<void> {
  const expected = readFileSync(join(dir, `${name}.sha256`), 'utf8').trim();
  const { tap, digest } = hashingTap();
  await pipeline(createReadStream(join(dir, `${name}.gz`)), createGunzip(), tap, createWriteStream(to, { mode: 0o600 }));
  const actual = digest();
  if (actual !== expected) {
    rmSync(to, { force: true });
    throw new ChecksumError(`WAL ${name}`, expected, actual);
  }
}
