// A restore is a fork: a new service whose master node is restored from
// another service's base backup and archived WAL, to the newest state or to
// one given second, then promoted. It keeps the source's databases, users
// (same passwords), pools and settings; it has its own OS user, ports,
// certificate, engine secret and backups.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '@/lib/api-v2/errors';
import type { CreateService } from '@/lib/schemas/service';
import { restoreDataDir, type BackupManifest } from '../runtime/base-backup';
import { paths, SUPERUSER, type Tls } from '../runtime/instance';
import { newEngineSecret } from '../runtime/spares';
import { engineVerifier, quoteLiteral } from '../runtime/sql-text';
import { extractArchived, listArchive, parseWalName } from '../runtime/wal-archive';
import type { ServiceRecord } from '../store/services';
import { backupPaths, listBackups, recoveryWindow } from './backups';
import type { Engine } from './engine';
import { masterOf, masterSpec, requireService } from './lookup';
import { findPlan } from './plans';

export interface ForkSource {
  source: string;
  /** RFC 3339; absent: the newest state archived. */
  time: string | null;
}

/** Checks a fork request before anything is made; answers the source. */
export function checkFork(engine: Engine, body: CreateService): ServiceRecord {
  const sourceName = body['fork-from-service'] ?? '';
  const source = engine.services.get(sourceName);
  if (!source) throw new ApiError('not-found', `fork-from-service: service ${sourceName} not found`, 'fork-from-service');
  if (body.version !== undefined && body.version !== source.major) {
    throw new ApiError('incorrect', `version: a fork runs its source's major (${source.major}), not ${body.version}`, 'version');
  }
  if (body['admin-username'] !== undefined && body['admin-username'] !== source.adminUsername) {
    throw new ApiError('incorrect', `admin-username: a fork keeps its source's users; its admin is ${source.adminUsername}`, 'admin-username');
  }
  if (body['admin-password'] !== undefined) {
    throw new ApiError('incorrect', 'admin-password: a fork keeps its source\'s passwords', 'admin-password');
  }
  const window = recoveryWindow(engine, source);
  if (!window) {
    throw new ApiError('conflict', `fork-from-service: ${sourceName} has no backup yet (its first is taken right after it is created)`, 'fork-from-service');
  }
  const time = body['recovery-backup-time'];
  if (time !== undefined) {
    const t = new Date(time);
    if (t < window.earliest || t > window.latest) {
      throw new ApiError('incorrect', `recovery-backup-time: ${time} is outside ${sourceName}'s recoverable window, ${window.earliest.toISOString()} to ${window.latest.toISOString()}`, 'recovery-backup-time');
    }
  }
  const plan = findPlan(body.plan);
  const newest = listBackups(engine, source).pop();
  if (plan && newest && newest.dataSize > plan.diskGiB * 1024 ** 3) {
    throw new ApiError('incorrect', `plan: ${body.plan} has ${plan.diskGiB} GiB of disk; ${sourceName}'s data takes ${(newest.dataSize / 1024 ** 3).toFixed(1)} GiB`, 'plan');
  }
  return source;
}

/** Copies the source's users, databases and pools to the fork's records (the same rows, its own service). */
export function recordForkContents(engine: Engine, source: ServiceRecord, fork: string): void {
  for (const u of engine.services.users(source.name)) engine.services.addUser(fork, u);
  for (const d of engine.services.databases(source.name)) engine.services.addDatabase(fork, d);
  for (const p of engine.services.pools(source.name)) engine.services.addPool(fork, p);
}

/** Archives the source's newest WAL now (pg_switch_wal) and waits until it is archived, so "now" is restorable. */
async function archiveNewest(engine: Engine, source: ServiceRecord): Promise<void> {
  const spec = masterSpec(engine, source);
  if (engine.runtime.pid(spec.root) === null) return;
  // the last byte written before the switch: its file is complete now (or was already, when nothing was written since)
  const [switched] = await engine.runtime.query<{ lsn: string }>(spec, 'SELECT pg_switch_wal()::text AS lsn');
  const [hi, lo] = (switched?.lsn ?? '0/0').split('/').map((h) => BigInt(`0x${h}`));
  const last = ((hi ?? 0n) << 32n) + (lo ?? 0n) - 1n;
  const [row] = await engine.runtime.query<{ f: string }>(spec, 'SELECT pg_walfile_name($1::pg_lsn) AS f', [`${(last >> 32n).toString(16)}/${(last & 0xffffffffn).toString(16)}`]);
  const wanted = row?.f;
  if (!wanted) return;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const [a] = await engine.runtime.query<{ last: string | null }>(spec, 'SELECT last_archived_wal AS last FROM pg_stat_archiver');
    if (a?.last && a.last.slice(0, 24) >= wanted) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the source's newest WAL (${wanted}) was not archived within 60 s: see its notifications`);
}

/** The newest backup consistent at or before `time` (or the newest, with no time). */
function backupFor(backups: BackupManifest[], time: Date | null): BackupManifest[] {
  const fit = time ? backups.filter((b) => new Date(b.finishedAt) <= time) : backups;
  return [...fit].reverse();
}

/**
 * Copies, checks and decompresses the WAL a restore replays: every segment from
 * the backup's start on (up to the first one archived after the target, when
 * there is one), and every timeline history file, into `to`.
 */
export async function stageWal(walDir: string, backup: BackupManifest, time: Date | null, to: string): Promise<number> {
  mkdirSync(to, { recursive: true, mode: 0o700 });
  const from = parseWalName(backup.startWal)?.position ?? 0n;
  let staged = 0;
  let pastTarget = 0;
  for (const f of listArchive(walDir)) {
    const w = parseWalName(f.name);
    const history = /^[0-9A-F]{8}\.history$/.test(f.name);
    if (!history && (!w || w.position < from || w.timeline < backup.timeline)) continue;
    // a segment archived after the target holds it; one more covers a switch in between
    if (!history && time && f.archivedAt > time && ++pastTarget > 2) continue;
    await extractArchived(walDir, f.name, join(to, f.name));
    staged++;
  }
  return staged;
}

/**
 * Restores the fork's master node and promotes it. A backup file or WAL file
 * that fails its checksum fails the fork, naming the file; with no time given
 * the fork falls back to the previous backup instead, and says so.
 */
export async function restoreFork(engine: Engine, name: string, fork: ForkSource, tls: Tls): Promise<string | undefined> {
  const source = engine.services.get(fork.source);
  if (!source) throw new ApiError('not-found', `fork-from-service: service ${fork.source} no longer exists`, 'fork-from-service');
  const svc = requireService(engine, name);
  const node = masterOf(engine, svc);
  const spec = engine.spec(svc, node);
  const time = fork.time ? new Date(fork.time) : null;
  if (!time || time > new Date(Date.now() - 60_000)) await archiveNewest(engine, source);
  const candidates = backupFor(listBackups(engine, source), time);
  if (!candidates.length) throw new ApiError('incorrect', `recovery-backup-time: no backup of ${fork.source} is older than ${fork.time}`, 'recovery-backup-time');
  const data = paths(spec.root).data;
  const staging = join(spec.root, 'restore-wal');
  let note: string | undefined;
  let chosen: BackupManifest | null = null;
  const walDir = backupPaths(engine, source).wal;
  rmSync(staging, { recursive: true, force: true });
  // the WAL the newest fitting backup needs is staged while its data directory is copied (a damaged WAL file is
  // an error kept as a value here, and thrown below when that backup is the one restored)
  const first = candidates[0] as BackupManifest;
  const staged = stageWal(walDir, first, time, staging).then(() => null, (err: Error) => err);
  let restoreFailed: unknown = null;
  try {
    for (const backup of candidates) {
      rmSync(data, { recursive: true, force: true });
      try {
        await restoreDataDir(join(backupPaths(engine, source).base, backup.name), backup, data);
        chosen = backup;
        break;
      } catch (err) {
        rmSync(data, { recursive: true, force: true });
        // with a time asked for, no other backup would do; with none, the previous one restores an older start
        if (time || backup === candidates[candidates.length - 1]) throw err;
        note = `backup ${backup.name} of ${fork.source} is damaged (${(err as Error).message}); restored from the previous backup instead`;
      }
    }
  } catch (err) {
    restoreFailed = err;
  }
  // awaited even after a failed restore: nothing is left writing into the service's directory
  const stagingFailed = await staged;
  if (restoreFailed) throw restoreFailed;
  if (chosen === first && stagingFailed) throw stagingFailed;
  if (!chosen) throw new Error('no backup could be restored');
  if (chosen !== first) {
    // an older backup was restored: it needs WAL from its own start
    rmSync(staging, { recursive: true, force: true });
    await stageWal(walDir, chosen, time, staging);
  }
  writeFileSync(join(data, 'recovery.signal'), '', { mode: 0o600 });
  await engine.runtime.chownTree(spec.root, spec.runAs);
  // the backup held the source's certificate and configuration: the fork's own replace them
  engine.runtime.writeConfig(spec, tls);
  const once: Record<string, string> = {
    restore_command: `cp ${staging}/%f %p`,
    recovery_target_action: 'promote',
    // a numeric offset: at start the time zone abbreviations ('Z') are not loaded yet
    ...(time ? { recovery_target_time: time.toISOString().replace('T', ' ').replace('Z', '+00'), recovery_target_inclusive: 'on' } : {}),
  };
  await engine.runtime.start(spec, 600_000, once);
  for (const deadline = Date.now() + 600_000; ;) {
    const [r] = await engine.runtime.query<{ recovering: boolean }>(spec, 'SELECT pg_is_in_recovery() AS recovering');
    if (r && !r.recovering) break;
    if (Date.now() > deadline) throw new Error('the restored node did not finish its recovery within 10 minutes');
    await new Promise((res) => setTimeout(res, 100));
  }
  rmSync(staging, { recursive: true, force: true });
  await rotateEngineSecret(engine, svc);
  return note;
}

/**
 * The restored catalog holds the source's engine secret: the fork gets its own.
 * Stored first; an engine stopped before PostgreSQL has it finds the stored
 * secret refused at its next start, and sets it in single-user mode then.
 */
export async function rotateEngineSecret(engine: Engine, svc: ServiceRecord): Promise<void> {
  const old = masterSpec(engine, svc);
  const fresh = newEngineSecret();
  engine.services.update(svc.name, { engineSecretSealed: engine.box.seal(fresh) });
  await engine.runtime.query(old, `ALTER ROLE ${SUPERUSER} PASSWORD ${quoteLiteral(engineVerifier(fresh))}`);
}

/** The records a restored catalog does not back: users and databases made after the restored point. */
export async function alignForkContents(engine: Engine, name: string): Promise<void> {
  const svc = requireService(engine, name);
  const spec = masterSpec(engine, svc);
  const roles = new Set((await engine.runtime.query<{ rolname: string }>(spec, 'SELECT rolname FROM pg_roles')).map((r) => r.rolname));
  const dbs = new Set((await engine.runtime.query<{ datname: string }>(spec, 'SELECT datname FROM pg_database')).map((r) => r.datname));
  for (const p of engine.services.pools(name)) {
    if (!dbs.has(p.database) || (p.username && !roles.has(p.username))) engine.services.removePool(name, p.name);
  }
  for (const u of engine.services.users(name)) if (!roles.has(u.username)) engine.services.removeUser(name, u.username);
  for (const d of engine.services.databases(name)) if (!dbs.has(d.name)) engine.services.removeDatabase(name, d.name);
  if (!existsSync(paths(spec.root).data)) throw new Error('the restored data directory is missing');
}
