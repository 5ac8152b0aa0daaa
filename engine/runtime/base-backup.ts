// The files of an online base backup: a running cluster's data directory
// copied while PostgreSQL is in backup mode (the caller holds
// pg_backup_start/stop around it), hashing every file as it is copied, and
// a restore that copies them back, checking every byte against the manifest.
import { createReadStream, createWriteStream, mkdirSync, statSync, writeFileSync, type Dirent } from 'node:fs';
import { copyFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { eachBounded } from './bounded';
import { ChecksumError, hashingTap } from './wal-archive';

export interface ManifestFile {
  /** Relative to the data directory. */
  path: string;
  size: number;
  sha256: string;
}

export interface BackupManifest {
  name: string;
  major: string;
  /** The contents PostgreSQL answered for backup_label and tablespace_map (written into the restored directory). */
  backupLabel: string;
  tablespaceMap: string;
  startLsn: string;
  stopLsn: string;
  /** The WAL files the backup needs, first and last: a restore replays from the first. */
  startWal: string;
  stopWal: string;
  timeline: number;
  startedAt: string;
  /** When the backup became consistent: the earliest point it can be restored to. */
  finishedAt: string;
  dataSize: number;
  /** Every directory, empty ones included (PostgreSQL needs pg_twophase, pg_tblspc... to exist). */
  dirs: string[];
  files: ManifestFile[];
}

// What PostgreSQL's documentation (and pg_basebackup) leave out: contents rebuilt at start, or of no use to a copy.
const SKIPPED_CONTENTS = new Set(['pg_wal', 'pg_dynshmem', 'pg_notify', 'pg_serial', 'pg_snapshots', 'pg_stat_tmp', 'pg_subtrans', 'pg_replslot']);
const SKIPPED_FILES = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label', 'backup_label.old', 'tablespace_map', 'recovery.signal',
  'standby.signal', 'current_logfiles', 'pg_internal.init']);
const skippedFile = (name: string) => SKIPPED_FILES.has(name) || name.startsWith('pgsql_tmp') || name.endsWith('.tmp');

/** Every file to copy, relative to `root`; the directories to make (the skipped ones empty). */
async function walk(root: string): Promise<{ dirs: string[]; files: string[] }> {
  const dirs: string[] = [];
  const files: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(join(root, rel), { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // dropped while the backup ran: WAL replay agrees
      throw err;
    }
    for (const e of entries) {
      const path = rel ? join(rel, e.name) : e.name;
      if (e.isDirectory()) {
        dirs.push(path);
        if (!(rel === '' && SKIPPED_CONTENTS.has(e.name))) await visit(path);
      } else if (e.isFile() && !skippedFile(e.name)) {
        files.push(path);
      }
    }
  };
  await visit('');
  // pg_wal/archive_status must exist in a restored directory
  if (dirs.includes('pg_wal')) dirs.push(join('pg_wal', 'archive_status'));
  return { dirs, files };
}

async function copyHashed(from: string, to: string): Promise<{ size: number; sha256: string }> {
  const { tap, digest } = hashingTap();
  let size = 0;
  tap.on('data', (chunk: Buffer) => (size += chunk.length));
  await pipeline(createReadStream(from, { highWaterMark: 1 << 20 }), tap, createWriteStream(to, { mode: 0o600, highWaterMark: 1 << 20 }));
  return { size, sha256: digest() };
}

export interface CopyOptions {
  concurrency?: number;
  /** false: no sha256 (a standby's copy is checked by PostgreSQL's own replay, not kept as a backup); '' in the answer. */
  hash?: boolean;
  /** After each file: bytes copied so far, and the total the walk found (files may still grow while copying). */
  onProgress?: (copied: number, total: number) => void;
}

/**
 * Copies a running cluster's data directory into `to` (made here), `concurrency`
 * files at a time, and answers each file's size and sha256 as copied. A file
 * removed meanwhile is left out: the WAL of the backup accounts for it.
 */
export async function copyDataDir(from: string, to: string, opts: CopyOptions = {}): Promise<{ dirs: string[]; files: ManifestFile[] }> {
  const { dirs, files } = await walk(from);
  mkdirSync(to, { recursive: true, mode: 0o700 });
  for (const d of dirs) mkdirSync(join(to, d), { recursive: true, mode: 0o700 });
  const sizes = new Map(files.map((f) => {
    try {
      return [f, statSync(join(from, f)).size] as const;
    } catch {
      return [f, 0] as const;
    }
  }));
  const total = [...sizes.values()].reduce((a, b) => a + b, 0);
  let done = 0;
  const copied: ManifestFile[] = [];
  await eachBounded(files, opts.concurrency ?? 4, async (path) => {
    try {
      if (opts.hash === false) {
        await copyFile(join(from, path), join(to, path));
        const size = statSync(join(to, path)).size;
        copied.push({ path, size, sha256: '' });
        done += size;
      } else {
        const got = await copyHashed(join(from, path), join(to, path));
        copied.push({ path, ...got });
        done += got.size;
      }
      opts.onProgress?.(done, Math.max(total, done));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  });
  return { dirs, files: copied.sort((a, b) => (a.path < b.path ? -1 : 1)) };
}

/**
 * Copies a backup's files into a new data directory, checking each against the
 * manifest as it goes: the first damaged or changed file fails the restore,
 * named. `backup_label` and `tablespace_map` come from the manifest.
 */
export async function restoreDataDir(backupDir: string, manifest: BackupManifest, to: string, concurrency = 4): Promise<void> {
  mkdirSync(to, { recursive: true, mode: 0o700 });
  for (const d of manifest.dirs) mkdirSync(join(to, d), { recursive: true, mode: 0o700 });
  await eachBounded(manifest.files, concurrency, async (f) => {
    mkdirSync(dirname(join(to, f.path)), { recursive: true, mode: 0o700 });
    const got = await copyHashed(join(backupDir, 'data', f.path), join(to, f.path)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new Error(`${f.path}: missing from the backup`);
      throw err;
    });
    if (got.sha256 !== f.sha256) throw new ChecksumError(f.path, f.sha256, got.sha256);
  });
  writeFileSync(join(to, 'backup_label'), manifest.backupLabel, { mode: 0o600 });
  if (manifest.tablespaceMap) writeFileSync(join(to, 'tablespace_map'), manifest.tablespaceMap, { mode: 0o600 });
}
