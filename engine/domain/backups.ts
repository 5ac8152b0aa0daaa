// Backups of a service: continuous WAL archiving (archive_command, on every
// node from its first start) and online base backups taken with PostgreSQL's
// low-level backup functions, which work the same on every major 13 to 18.
// Both live in DATA/backups/<service id>/, outside the data directory: wal/
// (written by the service's own OS user) and base/<name>/ (the engine's only;
// a backup holds the service's keys). A base backup is listed only once its
// manifest is written and its directory renamed into place, so a crash never
// shows a partial one; what a crash leaves is removed at the next backup.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { ApiError } from '@/lib/api-v2/errors';
import { copyDataDir, type BackupManifest, type CopyOptions } from '../runtime/base-backup';
import { paths, SUPERUSER, type InstanceSpec } from '../runtime/instance';
import { listArchive, parseWalName, removeArchived, removeUnfinished } from '../runtime/wal-archive';
import type { ServiceRecord } from '../store/services';
import { crashPoint } from './crash-points';
import type { Engine } from './engine';
import { masterOf, masterSpec, requireService } from './lookup';
import { backupsKept, findPlan } from './plans';
import { nextDailyAt, type JobKind } from './scheduler';

export const backupPaths = (engine: Engine, svc: Pick<ServiceRecord, 'id'>) => {
  const root = engine.backupRoot(svc);
  // before-upgrade/: the previous major's wal/ and base/ after a major upgrade, until the new ones replace them
  return { root, wal: join(root, 'wal'), base: join(root, 'base'), beforeUpgrade: join(root, 'before-upgrade') };
};

/** The backup store's directories: wal/ for the service's OS user (its archive_command writes there), base/ the engine's. */
export function ensureBackupDirs(engine: Engine, svc: ServiceRecord): void {
  const p = backupPaths(engine, svc);
  engine.runtime.ownedDir(join(engine.config.dataDir, 'backups'), null, 0o711);
  // traversable, not listable: the service's user reaches its own wal/ only
  engine.runtime.ownedDir(p.root, null, 0o711);
  engine.runtime.ownedDir(p.wal, engine.serviceRunAs(svc));
  engine.runtime.ownedDir(p.base, null);
}

const manifests = new Map<string, BackupManifest>();

/** A service's complete base backups, oldest first. */
export function listBackups(engine: Engine, svc: Pick<ServiceRecord, 'id'>): BackupManifest[] {
  const { base } = backupPaths(engine, svc);
  if (!existsSync(base)) return [];
  const found: BackupManifest[] = [];
  for (const name of readdirSync(base)) {
    if (name.startsWith('.')) continue;
    const file = join(base, name, 'manifest.json');
    let m = manifests.get(file);
    if (!m) {
      try {
        m = JSON.parse(readFileSync(file, 'utf8')) as BackupManifest;
      } catch {
        continue; // no manifest: not a backup
      }
      manifests.set(file, m);
    }
    found.push(m);
  }
  return found.sort((a, b) => (a.finishedAt < b.finishedAt ? -1 : 1));
}

/** The time span a fork can be restored to: from the oldest backup's consistent point to now (or the last archived WAL). */
export function recoveryWindow(engine: Engine, svc: ServiceRecord): { earliest: Date; latest: Date } | null {
  const backups = listBackups(engine, svc);
  const oldest = backups[0];
  if (!oldest) return null;
  const master = engine.nodes.master(svc.name);
  const running = master !== undefined && engine.runtime.pid(engine.nodeRoot(svc, master)) !== null;
  // a running service's newest WAL is archived on demand when a fork asks for it (pg_switch_wal)
  if (running && svc.phase !== 'deleting') return { earliest: new Date(oldest.finishedAt), latest: new Date() };
  const archived = listArchive(backupPaths(engine, svc).wal).filter((f) => parseWalName(f.name)).pop();
  const newest = backups[backups.length - 1] as BackupManifest;
  const latest = archived && archived.archivedAt > new Date(newest.finishedAt) ? archived.archivedAt : new Date(newest.finishedAt);
  return { earliest: new Date(oldest.finishedAt), latest };
}

const running = new Set<string>();

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

/**
 * An online base backup of the service's master: pg_backup_start (before 15
 * pg_start_backup, non-exclusive) on a session held open while the data
 * directory is copied and hashed, then pg_backup_stop, which waits until the
 * WAL the backup needs is archived. One at a time per service.
 */
export async function takeBackup(engine: Engine, name: string): Promise<BackupManifest> {
  const svc = requireService(engine, name);
  if (svc.phase === 'creating' || svc.phase === 'deleting') throw new ApiError('busy', `service ${name} is ${svc.phase === 'creating' ? 'being created' : 'being deleted'}`);
  if (running.has(name)) throw new ApiError('busy', `a backup of ${name} is being taken`);
  running.add(name);
  const spec = masterSpec(engine, svc);
  const node = masterOf(engine, svc);
  const p = backupPaths(engine, svc);
  ensureBackupDirs(engine, svc);
  removeUnfinishedBackups(p.base);
  const startedAt = new Date();
  // named by the second it started; a second backup in the same second (one taken right after another) gets -2
  let backupName = `backup-${stamp(startedAt)}`;
  for (let n = 2; existsSync(join(p.base, backupName)); n++) backupName = `backup-${stamp(startedAt)}-${n}`;
  const partial = join(p.base, `.${backupName}.partial`);
  try {
    const { dirs, files, stop, walFile } = await onlineCopy(engine, spec, node.major, `pgdeck ${name} ${backupName}`, join(partial, 'data'), { waitForArchive: true });
    const finishedAt = new Date();
    const startWal = /START WAL LOCATION: \S+ \(file ([0-9A-F]{24})\)/.exec(stop.labelfile)?.[1];
    const startLsn = /START WAL LOCATION: (\S+)/.exec(stop.labelfile)?.[1];
    const timeline = Number(/START TIMELINE: (\d+)/.exec(stop.labelfile)?.[1] ?? 1);
    if (!startWal || !startLsn || !walFile) throw new Error(`unexpected backup_label: ${stop.labelfile.slice(0, 200)}`);
    const manifest: BackupManifest = {
      name: backupName,
      major: node.major,
      backupLabel: stop.labelfile,
      tablespaceMap: stop.spcmapfile ?? '',
      startLsn,
      stopLsn: stop.lsn,
      startWal,
      stopWal: walFile,
      timeline,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      dataSize: files.reduce((n, f) => n + f.size, 0),
      dirs,
      files,
    };
    writeFileSync(join(partial, 'manifest.json'), `${JSON.stringify(manifest)}\n`, { mode: 0o600 });
    // listed from here on, whole
    renameSync(partial, join(p.base, backupName));
    return manifest;
  } catch (err) {
    rmSync(partial, { recursive: true, force: true });
    throw err;
  } finally {
    running.delete(name);
  }
}

export interface OnlineCopy {
  dirs: string[];
  files: BackupManifest['files'];
  /** What pg_backup_stop answered: the backup's end, and the backup_label (and tablespace_map) the copy needs. */
  stop: { lsn: string; labelfile: string; spcmapfile: string | null };
  /** The WAL file holding the backup's end. */
  walFile: string;
}

/**
 * A running node's data directory copied into `to` while PostgreSQL is in backup mode: pg_backup_start (before 15
 * pg_start_backup, non-exclusive) on a session held open while the files are copied, then pg_backup_stop. What a
 * base backup and a new standby are made of, on every major 13 to 18. `waitForArchive`: pg_backup_stop waits until
 * the WAL the copy needs is archived (a backup); a standby streams it from its slot instead.
 */
export async function onlineCopy(
  engine: Engine, spec: InstanceSpec, major: string, label: string, to: string,
  opts: { waitForArchive: boolean } & Omit<CopyOptions, 'concurrency'>,
): Promise<OnlineCopy> {
  const client = new pg.Client({
    host: paths(spec.root).run, port: spec.port, user: SUPERUSER, password: spec.password, database: 'postgres',
    connectionTimeoutMillis: 10_000,
    // pg_backup_stop waits for the archive; a broken archive fails the backup instead of hanging it
    statement_timeout: 15 * 60_000,
  });
  client.on('error', () => undefined);
  try {
    // a postmaster just restarted may still be recovering
    await engine.runtime.waitReady(spec, 60_000);
    await client.connect();
    const modern = Number(major) >= 15;
    await client.query(modern ? 'SELECT pg_backup_start($1, true)' : 'SELECT pg_start_backup($1, true, false)', [label]);
    const { dirs, files } = await copyDataDir(paths(spec.root).data, to, opts);
    crashPoint('base-backup:copied');
    const wait = opts.waitForArchive ? 'true' : 'false';
    const stop = (await client.query<OnlineCopy['stop']>(
      modern ? `SELECT lsn::text, labelfile, spcmapfile FROM pg_backup_stop(${wait})` : `SELECT lsn::text, labelfile, spcmapfile FROM pg_stop_backup(false, ${wait})`,
    )).rows[0];
    if (!stop) throw new Error('pg_backup_stop answered nothing');
    const walFile = (await client.query<{ f: string }>('SELECT pg_walfile_name($1::pg_lsn) AS f', [stop.lsn])).rows[0]?.f ?? '';
    return { dirs, files, stop, walFile };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A backup taken now, after the one being taken (the scheduler's first backup right after a create, say) has ended:
 * what an operation that needs its own backup (an upgrade) waits for, instead of failing as busy.
 */
export async function takeBackupWhenFree(engine: Engine, name: string, timeoutMs = 30 * 60_000): Promise<BackupManifest> {
  for (const deadline = Date.now() + timeoutMs; running.has(name);) {
    if (Date.now() > deadline) throw new ApiError('busy', `a backup of ${name} has been running for more than ${timeoutMs / 60_000} minutes`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return takeBackup(engine, name);
}

/** What a crash left in a service's backup store: a backup cut off (never listed), WAL files half written. */
export function removeBackupLeftovers(engine: Engine, svc: ServiceRecord): void {
  const p = backupPaths(engine, svc);
  if (!running.has(svc.name)) removeUnfinishedBackups(p.base);
  removeUnfinished(p.wal);
}

function removeUnfinishedBackups(baseDir: string): void {
  if (!existsSync(baseDir)) return;
  for (const name of readdirSync(baseDir)) {
    if (name.startsWith('.')) rmSync(join(baseDir, name), { recursive: true, force: true });
  }
}

/**
 * Keeps the plan's number of base backups, newest first, and the WAL the
 * oldest kept one needs from its start on; timeline history files stay.
 */
export function pruneBackups(engine: Engine, svc: ServiceRecord): { backups: number; wal: number } {
  const plan = findPlan(svc.plan);
  const keep = plan ? backupsKept(plan) : 2;
  const p = backupPaths(engine, svc);
  const all = listBackups(engine, svc);
  const old = all.slice(0, Math.max(0, all.length - keep));
  for (const b of old) {
    rmSync(join(p.base, b.name), { recursive: true, force: true });
    manifests.delete(join(p.base, b.name, 'manifest.json'));
  }
  const oldestKept = all[old.length];
  // the previous major's backups go once the new major has as many as the plan keeps: they would be the oldest
  if (all.length >= keep && existsSync(p.beforeUpgrade)) rmSync(p.beforeUpgrade, { recursive: true, force: true });
  let wal = 0;
  removeUnfinished(p.wal);
  if (oldestKept) {
    const from = parseWalName(oldestKept.startWal)?.position ?? 0n;
    for (const f of listArchive(p.wal)) {
      // segments, and backup history files (<segment>.<offset>.backup), before the oldest kept backup's start
      const w = parseWalName(f.name.slice(0, 24));
      if (w && w.position < from && !f.name.endsWith('.history')) {
        removeArchived(p.wal, f.name);
        wal++;
      }
    }
  }
  return { backups: old.length, wal };
}

/** The service's daily base backup, at its backup-schedule (UTC); the first one as soon as it runs. */
export const backupJob: JobKind = {
  perService: true,
  failure: { type: 'service_backup_failed', what: 'The scheduled backup' },
  next: (after, engine, job) => {
    const svc = job.service ? engine.services.get(job.service) : undefined;
    return nextDailyAt(after, svc?.backupSchedule['backup-hour'] ?? DEFAULT_BACKUP_HOUR, svc?.backupSchedule['backup-minute'] ?? 0);
  },
  run: async (engine, job) => {
    const name = job.service ?? '';
    const integration = engine.integrations.replicaOf(name);
    if (integration) return `a read replica: ${integration.source}'s backups hold its data (it gets its own once promoted)`;
    const backup = await takeBackup(engine, name);
    const pruned = pruneBackups(engine, requireService(engine, name));
    const mb = (backup.dataSize / 1048576).toFixed(1);
    return `took ${backup.name} (${mb} MiB); pruned ${pruned.backups} backup(s) and ${pruned.wal} WAL file(s)`;
  },
};

export const DEFAULT_BACKUP_HOUR = 3;

export const backupJobName = (service: string) => `backup:${service}`;

/** Makes (or moves) the service's backup job: due now for a new service, else at its next backup-schedule time. */
export function scheduleBackups(engine: Engine, svc: ServiceRecord, opts: { now?: boolean } = {}): void {
  const due = opts.now ? new Date() : backupJob.next(new Date(), engine, { service: svc.name });
  engine.jobs.ensure(backupJobName(svc.name), 'backup', svc.name, due);
  engine.jobs.reschedule(backupJobName(svc.name), due);
}
