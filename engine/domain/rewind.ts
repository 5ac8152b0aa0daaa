// The old master back as a standby after a failover, rewound rather than copied
// (docs/design/ha.md §6): its fenced data directory is brought to a clean
// shutdown by its own binaries, its unarchived WAL archived, then pg_rewind
// replaces what it wrote after the two timelines diverged with the new master's
// pages. Costs what diverged, not the whole cluster. Only where a pg_rewind of
// the node's own major is installed; the caller copies afresh otherwise.
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { paths, type InstanceSpec } from '../runtime/instance';
import { run, type RunAs } from '../runtime/process';
import { localConninfo, slotName } from '../runtime/standby-config';
import { rewindTool } from '../runtime/upgrade-tools';
import type { ServiceRecord } from '../store/services';
import { backupPaths } from './backups';
import type { Engine } from './engine';
import { masterOf, masterSpec, requireService } from './lookup';
import { nodeCertificate } from './nodes';
import { catchUp } from './standbys';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Crash recovery and pg_rewind read and write as much as the old master wrote since its last checkpoint. */
const STEP_TIMEOUT_MS = 600_000;

/**
 * The old master's completed segments its archiver had not sent yet (`.ready`), archived with the same script its
 * archive_command runs, as pg_rewind would remove them (Patroni's `_archive_ready_wals`). Best effort: a segment the
 * archive holds with other bytes (the new master's copy of it) stays out. Answers the names archived.
 */
async function archiveReady(engine: Engine, svc: ServiceRecord, dataDir: string, runAs: RunAs | null): Promise<string[]> {
  const status = join(dataDir, 'pg_wal', 'archive_status');
  const script = join(engine.config.dataDir, 'bin', 'archive-wal');
  const archived: string[] = [];
  const ready = existsSync(status) ? readdirSync(status).filter((f) => f.endsWith('.ready')).sort() : [];
  for (const file of ready) {
    const wal = file.slice(0, -'.ready'.length);
    try {
      await run(script, [backupPaths(engine, svc).wal, join(dataDir, 'pg_wal', wal), wal], { runAs, timeoutMs: 60_000 });
      renameSync(join(status, file), join(status, `${wal}.done`));
      archived.push(wal);
    } catch (err) {
      console.error(`${svc.name}: the old master's ${wal} could not be archived before its rewind: ${(err as Error).message}`);
    }
  }
  return archived;
}

/**
 * Waits until the new master's control file names its own timeline (pg_rewind reads the source's timeline there, and
 * a promotion's checkpoint is a spread one), asking for a CHECKPOINT when the failover's has not come.
 */
async function awaitTimelineCheckpoint(engine: Engine, spec: InstanceSpec): Promise<void> {
  const sql = `SELECT c.timeline_id AS checkpointed, ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int AS current
                 FROM pg_control_checkpoint() c`;
  for (let asked = 0, deadline = Date.now() + 30_000; ; asked++) {
    const [row] = await engine.runtime.query<{ checkpointed: number; current: number }>(spec, sql);
    if (row && row.checkpointed >= row.current) return;
    if (Date.now() > deadline) throw new Error(`the new master's control file still names timeline ${row?.checkpointed} after 30 s, not ${row?.current}`);
    if (asked % 10 === 0) await engine.runtime.query(spec, 'CHECKPOINT');
    await sleep(200);
  }
}

/**
 * Rewinds the old master `nodeName` (recorded as a standby of the new master since the failover's switch) from its
 * fenced directory and starts it as that standby. True once it streams and has caught up; false (the reason logged,
 * the directory back under its fenced name) when there is no pg_rewind of its major or any step failed: the caller
 * then copies it afresh.
 */
export async function rewindOldMaster(engine: Engine, name: string, nodeName: string, fencedDir: string): Promise<boolean> {
  const svc = requireService(engine, name);
  const node = engine.nodes.get(name, nodeName);
  if (!node || !existsSync(fencedDir)) return false;
  const bindir = rewindTool(node.major);
  if (!bindir) {
    console.log(`${name}: no pg_rewind of PostgreSQL ${node.major} is installed: ${nodeName} is copied afresh`);
    return false;
  }
  const root = engine.nodeRoot(svc, node);
  const data = paths(root).data;
  const runAs = engine.serviceRunAs(svc);
  const slot = node.slot ?? slotName(node.seq);
  const spec = engine.spec(svc, { ...node, role: 'standby', slot });
  const times: Record<string, number> = {};
  const timed = async <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    try {
      return await work();
    } finally {
      times[key] = Date.now() - t;
    }
  };
  let renamed = false;
  try {
    // what a rebuild cut off left at the node's path goes: the fenced directory is the one that counts
    await engine.runtime.kill(root);
    rmSync(data, { recursive: true, force: true });
    engine.nodes.update(name, nodeName, { state: 'syncing_data', slot, progress: [{ phase: 'prepare', completed: false }] });
    const archived = await archiveReady(engine, svc, fencedDir, runAs);
    // the fencing killed every process of it: a pid reused since would only make PostgreSQL refuse the directory
    rmSync(join(fencedDir, 'postmaster.pid'), { force: true });
    // crash recovery by its own binaries, to a clean shutdown; single-user mode opens no listener, takes no client
    await timed('recovery', () => run(join(spec.binaries.bin, 'postgres'), ['--single', '-D', fencedDir, '-c', 'archive_mode=off', 'postgres'],
      { runAs, cwd: root, timeoutMs: STEP_TIMEOUT_MS }));
    const master = masterOf(engine, svc);
    const mspec = engine.spec(svc, master);
    await timed('checkpoint', () => awaitTimelineCheckpoint(engine, mspec));
    // the slot first: the new master keeps the WAL from now on, which the rewound node streams from when it starts
    await engine.runtime.query(mspec, 'SELECT pg_create_physical_replication_slot($1, true) WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)', [slot]);
    const [lsn] = await engine.runtime.query<{ lsn: string }>(mspec, 'SELECT pg_current_wal_lsn()::text AS lsn');
    const source = localConninfo(paths(engine.nodeRoot(svc, master)).run, master.port, nodeName);
    await timed('rewind', () => run(join(bindir, 'pg_rewind'), ['--no-ensure-shutdown', '-D', fencedDir, `--source-server=${source}`],
      { runAs, cwd: root, timeoutMs: STEP_TIMEOUT_MS }));
    // the old master's slots are no standby's business (a copy skips pg_replslot too): they would pin its WAL
    const slots = join(fencedDir, 'pg_replslot');
    if (existsSync(slots)) for (const s of readdirSync(slots)) rmSync(join(slots, s), { recursive: true, force: true });
    renameSync(fencedDir, data);
    renamed = true;
    // pg_rewind copied the new master's configuration files: the node's own, from the store, replace them
    engine.runtime.writeConfig(spec, await nodeCertificate(engine));
    await engine.runtime.chownTree(data, runAs);
    await timed('start', () => engine.runtime.start(spec, STEP_TIMEOUT_MS));
    await timed('catch-up', () => catchUp(engine, name, nodeName, lsn?.lsn ?? '0/0'));
    engine.nodes.update(name, nodeName, { state: 'running', progress: [] });
    // the quorum (synchronous_standby_names) names running standbys: the master learns of this one
    const now = masterSpec(engine, requireService(engine, name));
    if (engine.runtime.writeConfig(now)) await engine.runtime.reload(now);
    console.log(`${name}: ${nodeName} rewound onto ${master.name} (ms: ${JSON.stringify(times)}; archived before: ${archived.length})`);
    return true;
  } catch (err) {
    console.error(`${name}: the rewind of ${nodeName} failed, it is copied afresh instead: ${(err as Error).message}`);
    await engine.runtime.kill(root).catch(() => undefined);
    if (renamed && existsSync(data) && !existsSync(fencedDir)) renameSync(data, fencedDir);
    return false;
  }
}
