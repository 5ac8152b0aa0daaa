// Automatic failover (docs/design/ha.md §4): fence the old master (every
// process running its data directory SIGKILLed, the directory renamed), choose
// the standby that received the most WAL, switch the store (one master per
// service, enforced by an index), promote it where it runs, and put the relay
// on the service's port in front of it, so clients keep their URI. Then the
// old master is rebuilt as a standby. Each step is recorded first; an engine
// killed in the middle finishes from the recorded phase.
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { FailoverView } from '@/lib/schemas/service';
import { fence } from '../runtime/fence';
import { paths } from '../runtime/instance';
import { relaySource } from '../runtime/front';
import { slotName } from '../runtime/standby-config';
import type { FailoverRecord } from '../store/failovers';
import type { NodeRecord } from '../store/nodes';
import type { ServiceRecord } from '../store/services';
import { scheduleBackups } from './backups';
import { syncBouncer } from './bouncer';
import { chooseCandidate, type CandidateInput } from './candidates';
import { crashPoint } from './crash-points';
import type { Engine } from './engine';
import { failoverWindow } from './health';
import { masterOf, requireService } from './lookup';
import { allocatePort } from './ports';
import { rewindOldMaster } from './rewind';
import { buildStandby } from './standbys';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The relay's directory: in the service's, owned by its OS user. */
export const frontDir = (engine: Engine, svc: ServiceRecord): string => join(engine.serviceRoot(svc), 'front');

/**
 * The relay as the store says: listening on the service's port in front of the master when the master runs on
 * another port (after a failover), stopped otherwise. Idempotent; also what puts a changed ip-filter into it.
 */
export async function ensureRelay(engine: Engine, svc: ServiceRecord): Promise<void> {
  const master = engine.nodes.master(svc.name);
  const dir = frontDir(engine, svc);
  if (!master || svc.port === 0 || master.port === svc.port) {
    if (engine.front.pid(dir) !== null) await engine.front.stop(dir);
    return;
  }
  const host = engine.config.pgHost;
  const owner = engine.serviceRunAs(svc);
  engine.runtime.ownedDir(dir, owner);
  const config = { listen: true, host, port: svc.port, target: { host, port: master.port }, source: relaySource(host).source, ipFilter: svc.ipFilter };
  try {
    await engine.front.configure(dir, config, owner);
  } catch (err) {
    // a relay that does not confirm the new file is replaced: a fresh one reads it as it starts
    console.error(`${svc.name}: ${(err as Error).message}; restarting the relay`);
    await engine.front.stop(dir);
  }
  if (engine.front.pid(dir) === null) await engine.front.start(dir, owner, engine.frontScript);
}

/** Whether the relay should run and does not (the supervisor restarts it). */
export const relayMissing = (engine: Engine, svc: ServiceRecord): boolean => {
  const master = engine.nodes.master(svc.name);
  return master !== undefined && svc.port !== 0 && master.port !== svc.port && engine.front.pid(frontDir(engine, svc)) === null;
};

/** Standbys that could take over now: state running and a postmaster that lives. */
export function standbysAlive(engine: Engine, svc: ServiceRecord): NodeRecord[] {
  return engine.nodes.standbys(svc.name).filter((n) => n.state === 'running' && engine.runtime.pid(engine.nodeRoot(svc, n)) !== null);
}

/**
 * A single node that answers nothing while its postmaster lives (hung): fenced without renaming its directory,
 * so the supervisor's in-place restart starts it again (docs/design/ha.md §4.2).
 */
export async function restartHung(engine: Engine, svc: ServiceRecord, node: NodeRecord, windowSeconds: number): Promise<boolean> {
  const root = engine.nodeRoot(svc, node);
  const pid = engine.runtime.pid(root);
  if (pid === null) return false;
  const f = await fence(paths(root).data, { postmasterPid: pid });
  engine.services.notify(svc.name, {
    level: 'warning',
    type: 'service_master_hung_restarted',
    message: `PostgreSQL (node ${node.name}) answered no new connection for ${windowSeconds} s while its postmaster ran; `
      + `its ${f.killed.length} processes were killed and it is restarted in place`,
    metadata: { node: node.name, 'postmaster-pid': pid, killed: f.killed.length },
  });
  return true;
}

interface Sample { node: NodeRecord; receive: string | null; replay: string | null; receiver: string | null }

/** Each standby's WAL positions, once no walreceiver streams any more (bytes in a socket would arrive after the comparison). */
async function readCandidates(engine: Engine, svc: ServiceRecord, exclude: string): Promise<CandidateInput[]> {
  const nodes = engine.nodes.standbys(svc.name).filter((n) => n.name !== exclude);
  const read = () => Promise.all(nodes.map(async (node): Promise<Sample> => {
    if (node.state !== 'running') return { node, receive: null, replay: null, receiver: null };
    try {
      const [r] = await engine.runtime.probe<{ receive: string | null; replay: string | null; receiver: string | null }>(engine.spec(svc, node),
        'SELECT pg_last_wal_receive_lsn()::text AS receive, pg_last_wal_replay_lsn()::text AS replay, (SELECT status FROM pg_stat_wal_receiver) AS receiver', 2000);
      return { node, receive: r?.receive ?? null, replay: r?.replay ?? null, receiver: r?.receiver ?? null };
    } catch {
      return { node, receive: null, replay: null, receiver: 'no answer' };
    }
  }));
  let samples = await read();
  for (const deadline = Date.now() + 300; samples.some((s) => s.receiver === 'streaming') && Date.now() < deadline;) {
    await sleep(20);
    samples = await read();
  }
  return samples.map((s) => ({
    node: s.node.name, seq: s.node.seq, state: s.node.state, answered: s.receiver !== 'no answer',
    receiveLsn: s.receive, replayLsn: s.replay,
  }));
}

/** Starts a failover of the service's master; answers once clients can write again (the rebuild goes on in the background). */
export async function failover(engine: Engine, name: string, lastOk: Date, reason: string): Promise<void> {
  const svc = requireService(engine, name);
  const open = engine.failovers.open(name);
  const row = open ?? engine.failovers.start({ service: name, oldNode: masterOf(engine, svc).name, reason, windowSeconds: failoverWindow(svc), lastOkAt: lastOk.toISOString() });
  await continueFailover(engine, row.id);
}

/** Runs a failover from its recorded phase to the end of `repointing`; then the old master's rebuild, in the background. */
export async function continueFailover(engine: Engine, id: string): Promise<void> {
  let row = engine.failovers.get(id) as FailoverRecord;
  const name = row.service;
  const phases = { ...row.phases };
  const timed = async <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    try {
      return await work();
    } finally {
      phases[key] = (phases[key] ?? 0) + Date.now() - t;
    }
  };
  if (row.phase === 'fencing' || row.phase === 'held') {
    const svc = requireService(engine, name);
    const old = engine.nodes.get(name, row.oldNode) as NodeRecord;
    const root = engine.nodeRoot(svc, old);
    const data = paths(root).data;
    await timed('fence', async () => {
      const pid = engine.runtime.recordedPid(root);
      await fence(data, { postmasterPid: pid, renameTo: `${data}.fenced-${id.slice(0, 8)}` });
      // a directory renamed by a fencing an engine crash cut off: whatever still runs it dies too
      for (const d of fencedDirs(data)) await fence(d, {});
    });
    crashPoint('failover:fenced');
    const choice = await timed('choose', async () => {
      for (;;) {
        const c = chooseCandidate(await readCandidates(engine, svc, old.name), svc.syncReplication);
        if (c.kind !== 'hold') return c;
        if (engine.failovers.get(id)?.phase !== 'held') {
          engine.failovers.update(id, { phase: 'held', message: c.reason });
          engine.services.notify(name, {
            level: 'warning', type: 'service_failover_held',
            message: `The master ${old.name} is fenced; the failover waits for ${c.waitingFor.join(', ')} to answer, since with synchronous-replication quorum it may hold the last acknowledged commits`,
            metadata: { node: old.name, waiting: c.waitingFor },
          });
        }
        await sleep(500);
      }
    });
    if (choice.kind === 'none') {
      // nothing to promote after all: the old master gets its directory back and is restarted in place, as a
      // hung single node is (the supervisor starts it)
      const fenced = fencedDirs(data)[0];
      if (fenced && !existsSync(data)) renameSync(fenced, data);
      engine.failovers.update(id, { phase: 'done', finishedAt: new Date().toISOString(), phases, message: `${choice.reason}; ${old.name} is restarted in place` });
      engine.services.notify(name, {
        level: 'warning', type: 'service_failover_held',
        message: `No failover: ${choice.reason}. ${old.name} is restarted in place instead`,
        metadata: { node: old.name },
      });
      return;
    }
    const candidate = engine.nodes.get(name, choice.node) as NodeRecord;
    // the old master leaves the service's port to the relay: it gets a port of its own for its life as a standby
    const oldPort = old.port === svc.port ? (await allocatePort(engine, name)).port : old.port;
    engine.db.transaction(() => {
      engine.nodes.update(name, old.name, { role: 'standby', state: 'setting_up_vm', slot: slotName(old.seq), port: oldPort, progress: [] });
      engine.nodes.update(name, candidate.name, { role: 'master', state: 'running', slot: null });
      engine.failovers.update(id, { phase: 'promoting', newNode: candidate.name, phases, candidates: [choice], message: null });
    })();
    crashPoint('failover:switched');
    row = engine.failovers.get(id) as FailoverRecord;
  }
  if (row.phase === 'promoting') {
    await timed('promote', () => promote(engine, name, row.oldNode));
    engine.failovers.update(id, { phase: 'repointing', promotedAt: new Date().toISOString(), phases });
    row = engine.failovers.get(id) as FailoverRecord;
  }
  if (row.phase === 'repointing') {
    await timed('repoint', async () => {
      const svc = requireService(engine, name);
      await ensureRelay(engine, svc);
      await syncBouncer(engine, name, { start: true });
    });
    const writable = new Date();
    engine.failovers.update(id, { phase: 'rebuilding', writableAt: writable.toISOString(), phases });
    row = engine.failovers.get(id) as FailoverRecord;
    const total = writable.getTime() - (new Date(row.lastOkAt).getTime() + row.windowSeconds * 1000);
    engine.services.notify(name, {
      level: 'warning',
      type: 'service_failover',
      message: `Failed over from ${row.oldNode} to ${row.newNode} in ${(Math.max(0, total) / 1000).toFixed(1)} s after ${row.windowSeconds} s without an answer from ${row.oldNode}; ${row.oldNode} is being rebuilt as a standby`,
      metadata: { from: row.oldNode, to: row.newNode, 'total-ms': Math.max(0, total), 'window-seconds': row.windowSeconds, 'phases-ms': phases, reason: row.reason },
    });
    // a new timeline: point-in-time recovery starts again from a base backup of the new master
    scheduleBackups(engine, requireService(engine, name), { now: true });
  }
}

/** The candidate (the master in the store now) promoted where it runs; the other standbys follow it. */
async function promote(engine: Engine, name: string, oldNode: string): Promise<void> {
  const svc = requireService(engine, name);
  const master = masterOf(engine, svc);
  const spec = engine.spec(svc, master);
  // the other standbys and the read replicas stream from the new master: a slot each there first (slots are not
  // replicated)
  const slots = [
    ...engine.nodes.standbys(name).filter((n) => n.name !== oldNode && n.state === 'running').map((n) => n.slot),
    ...engine.integrations.replicasOf(name).map((i) => i.slot),
  ];
  for (const slot of slots) {
    await engine.runtime.query(spec, 'SELECT pg_create_physical_replication_slot($1, true) WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)', [slot]);
  }
  const [state] = await engine.runtime.query<{ r: boolean }>(spec, 'SELECT pg_is_in_recovery() AS r');
  if (state?.r) {
    await engine.runtime.query(spec, 'SELECT pg_promote(false)');
    for (const deadline = Date.now() + 30_000; ;) {
      const [s] = await engine.runtime.query<{ r: boolean }>(spec, 'SELECT pg_is_in_recovery() AS r');
      if (!s?.r) break;
      if (Date.now() > deadline) throw new Error(`${master.name} did not finish its promotion in 30 s: ${engine.runtime.logTail(spec.root)}`);
      await sleep(20);
    }
  }
  // its configuration as a master's (no recovery settings; the relay's source in its hba), the quorum's names
  engine.runtime.writeConfig(spec);
  await engine.runtime.reload(spec);
  // pg_rewind of the old master needs the new timeline in the new master's control file
  void engine.runtime.query(spec, 'CHECKPOINT').catch(() => undefined);
  await repointFollowers(engine, name, oldNode);
}

/**
 * The nodes that stream from a service's master, its running standbys (but `exclude`) and its read replicas:
 * their configuration written again from the store (primary_conninfo names the master's port) and reloaded.
 */
export async function repointFollowers(engine: Engine, name: string, exclude?: string): Promise<void> {
  const svc = requireService(engine, name);
  const followers = [
    ...engine.nodes.standbys(name).filter((n) => n.name !== exclude && n.state === 'running').map((n) => ({ svc, node: n })),
    ...engine.integrations.replicasOf(name).flatMap((i) => {
      const r = engine.services.get(i.dest);
      const n = r && engine.nodes.master(i.dest);
      return r && n ? [{ svc: r, node: n }] : [];
    }),
  ];
  for (const f of followers) {
    const fspec = engine.spec(f.svc, f.node);
    engine.runtime.writeConfig(fspec);
    if (engine.runtime.pid(fspec.root) === null) continue;
    await engine.runtime.reload(fspec).catch((err: Error) => console.error(`${f.node.name}: could not follow the new master yet: ${err.message}`));
  }
}

/**
 * The old master rebuilt as a standby of the new one: rewound from its fenced directory where a pg_rewind of its
 * major is installed, else (or when the rewind fails) a fresh copy; then what is left of its fenced directory removed.
 */
export async function rebuildOldMaster(engine: Engine, id: string): Promise<void> {
  const row = engine.failovers.get(id);
  if (!row || row.phase !== 'rebuilding') return;
  const started = Date.now();
  const svc = requireService(engine, row.service);
  const old = engine.nodes.get(row.service, row.oldNode);
  if (!old) return;
  const data = paths(engine.nodeRoot(svc, old)).data;
  const rebuild = await rewindOldMaster(engine, row.service, old.name, `${data}.fenced-${id.slice(0, 8)}`) ? 'rewind' : 'copy';
  if (rebuild === 'copy') await buildStandby(engine, row.service, old.name);
  for (const d of fencedDirs(data)) rmSync(d, { recursive: true, force: true });
  const ms = Date.now() - started;
  engine.failovers.update(id, { phase: 'done', rebuild, finishedAt: new Date().toISOString(), phases: { ...row.phases, rebuild: ms } });
  engine.services.notify(row.service, {
    level: 'notice', type: 'service_standby_rebuilt',
    message: `${old.name}, the master before the failover, runs again as a standby of ${row.newNode} (${rebuild === 'rewind' ? 'rewound' : 'copied afresh'} in ${(ms / 1000).toFixed(1)} s)`,
    metadata: { node: old.name, rebuild, ms },
  });
}

/** Data directories a fencing renamed (data.fenced-<id>), beside `data`. */
function fencedDirs(data: string): string[] {
  const prefix = `${basename(data)}.fenced-`;
  try {
    return readdirSync(dirname(data)).filter((f) => f.startsWith(prefix)).map((f) => join(dirname(data), f));
  } catch {
    return [];
  }
}

/** pgdeck-failovers: the last failovers, newest first. */
export function failoversView(engine: Engine, svc: ServiceRecord): FailoverView[] {
  return engine.failovers.recent(svc.name).map((f) => ({
    at: f.startedAt,
    from: f.oldNode,
    to: f.newNode,
    reason: f.reason,
    'window-seconds': f.windowSeconds,
    'total-ms': f.writableAt ? Math.max(0, new Date(f.writableAt).getTime() - (new Date(f.lastOkAt).getTime() + f.windowSeconds * 1000)) : null,
    'phases-ms': f.phases,
    rebuild: f.rebuild,
    state: f.phase,
    message: f.message,
  }));
}
