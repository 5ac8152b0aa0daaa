// Standbys: the nodes a multi-node plan adds beside the master. Each is built
// from the master by the engine's own online copy (a physical slot first, so
// the WAL from before the copy is kept; pg_backup_start; the data directory
// copied; pg_backup_stop), then streams from the master over its private
// socket. Works the same on every major 13 to 18 (docs/design/ha.md §3).
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { paths } from '../runtime/instance';
import { engineVerifier, passfileLine, quoteIdent, quoteLiteral } from '../runtime/sql-text';
import { REPLICATION_ROLE, replicaFiles, slotName } from '../runtime/standby-config';
import type { IntegrationRecord } from '../store/integrations';
import type { NodeRecord, ProgressUpdate } from '../store/nodes';
import type { ServiceRecord } from '../store/services';
import { onlineCopy } from './backups';
import { crashPoint } from './crash-points';
import type { Engine } from './engine';
import { masterOf, masterSpec, requireService } from './lookup';
import { nodeCertificate, removeNode, stopNode } from './nodes';
import { findPlan } from './plans';
import { allocatePort } from './ports';

/** A standby is running (and counts for quorum) once it replays within this many bytes of the master. */
const CAUGHT_UP_BYTES = 16 * 1024 * 1024;

/** What pg_rewind reads on its source, granted to the replication role (PostgreSQL's documented non-superuser set). */
const REWIND_FUNCTIONS = [
  'pg_catalog.pg_ls_dir(text, boolean, boolean)',
  'pg_catalog.pg_stat_file(text, boolean)',
  'pg_catalog.pg_read_binary_file(text)',
  'pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean)',
];

/**
 * The replication role on the master, and the master's files naming it (its ident map): what a standby needs
 * before it can connect. Idempotent; replicated to every standby with everything else.
 */
export async function ensureReplicationRole(engine: Engine, svc: ServiceRecord): Promise<void> {
  const spec = masterSpec(engine, svc);
  if (engine.runtime.writeConfig(spec)) await engine.runtime.reload(spec);
  const exists = await engine.runtime.query(spec, 'SELECT 1 FROM pg_roles WHERE rolname = $1', [REPLICATION_ROLE]);
  if (!exists.length) await engine.runtime.query(spec, `CREATE ROLE ${quoteIdent(REPLICATION_ROLE)} WITH LOGIN REPLICATION`);
  for (const fn of REWIND_FUNCTIONS) await engine.runtime.query(spec, `GRANT EXECUTE ON FUNCTION ${fn} TO ${quoteIdent(REPLICATION_ROLE)}`);
}

/** A physical slot on the master that keeps WAL from now on (`immediately_reserve`), made afresh. */
async function freshSlot(engine: Engine, svc: ServiceRecord, slot: string): Promise<void> {
  const spec = masterSpec(engine, svc);
  await dropSlot(engine, svc, slot);
  await engine.runtime.query(spec, 'SELECT pg_create_physical_replication_slot($1, true)', [slot]);
}

/** Drops a slot on the master, waiting (up to 10 s) while a walsender still uses it. */
export async function dropSlot(engine: Engine, svc: ServiceRecord, slot: string): Promise<void> {
  const spec = masterSpec(engine, svc);
  for (const deadline = Date.now() + 10_000; ;) {
    const rows = await engine.runtime.query<{ active: boolean; pid: number | null }>(spec, 'SELECT active, active_pid AS pid FROM pg_replication_slots WHERE slot_name = $1', [slot]);
    const row = rows[0];
    if (!row) return;
    if (!row.active) {
      await engine.runtime.query(spec, 'SELECT pg_drop_replication_slot($1)', [slot]);
      return;
    }
    if (Date.now() > deadline) {
      // the node using it is stopped by now; its walsender goes with the next termination
      await engine.runtime.query(spec, 'SELECT pg_terminate_backend($1)', [row.pid]);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function setProgress(engine: Engine, svc: ServiceRecord, node: NodeRecord, progress: ProgressUpdate[]): void {
  engine.nodes.update(svc.name, node.name, { progress });
}

const phase = (name: ProgressUpdate['phase'], completed: boolean, extra: Partial<ProgressUpdate> = {}): ProgressUpdate => ({ phase: name, completed, ...extra });

/**
 * A read replica's role on its source's master: LOGIN REPLICATION with the replica's password (as a SCRAM
 * verifier: the plaintext never reaches SQL), and every source node's pg_hba letting it in from this host.
 */
async function ensureReplicaRole(engine: Engine, source: ServiceRecord, integration: IntegrationRecord): Promise<void> {
  const spec = masterSpec(engine, source);
  const verifier = quoteLiteral(engineVerifier(engine.box.unseal(integration.passwordSealed)));
  const exists = await engine.runtime.query(spec, 'SELECT 1 FROM pg_roles WHERE rolname = $1', [integration.role]);
  await engine.runtime.query(spec, `${exists.length ? 'ALTER' : 'CREATE'} ROLE ${quoteIdent(integration.role)} WITH LOGIN REPLICATION PASSWORD ${verifier}`);
  for (const n of engine.nodes.list(source.name)) {
    const nspec = engine.spec(source, n);
    if (engine.runtime.writeConfig(nspec) && engine.runtime.pid(nspec.root) !== null) await engine.runtime.reload(nspec);
  }
}

/**
 * Makes one standby (or a read replica's node) real: slot on the upstream master, online copy of it,
 * backup_label, standby settings, start, then catching up until it replays within CAUGHT_UP_BYTES. Runs again
 * from the start after a failure or a crash (its files are removed first). `syncing_data` with
 * progress-updates meanwhile, `running` at the end. A standby's upstream is its service's master; a read
 * replica's, its source's.
 */
export async function buildStandby(engine: Engine, name: string, nodeName: string): Promise<void> {
  let svc = requireService(engine, name);
  const node = engine.nodes.get(name, nodeName);
  if (!node) throw new Error(`node ${nodeName} of ${name} does not exist`);
  const integration = node.role === 'read-replica' ? engine.integrations.replicaOf(name) : undefined;
  const upstreamSvc = integration ? requireService(engine, integration.source) : svc;
  const upstream = masterOf(engine, upstreamSvc);
  const root = engine.nodeRoot(svc, node);
  const owner = engine.serviceRunAs(svc);
  const slot = integration?.slot ?? node.slot ?? slotName(node.seq);
  // a build cut off leaves a node that may run: it goes, with its files (the first node's directory is the
  // service's, with PgBouncer's files and a fenced old data directory in it: only its own files go)
  await engine.runtime.kill(root);
  if (node.dir === '') {
    for (const p of [paths(root).data, `${paths(root).data}.partial`, paths(root).log]) rmSync(p, { recursive: true, force: true });
  } else {
    rmSync(root, { recursive: true, force: true });
  }
  engine.runtime.ownedDir(root, owner);
  engine.nodes.update(name, nodeName, { state: 'syncing_data', slot });
  setProgress(engine, svc, node, [phase('prepare', false)]);
  if (integration) await ensureReplicaRole(engine, upstreamSvc, integration);
  else await ensureReplicationRole(engine, svc);
  await freshSlot(engine, upstreamSvc, slot);
  svc = requireService(engine, name);
  const partial = `${paths(root).data}.partial`;
  let lastWrite = 0;
  const copy = await onlineCopy(engine, engine.spec(upstreamSvc, upstream), upstream.major, `pgdeck standby ${nodeName}`, partial, {
    waitForArchive: false,
    hash: false,
    onProgress: (copied, total) => {
      if (Date.now() - lastWrite < 1000) return;
      lastWrite = Date.now();
      setProgress(engine, svc, node, [phase('prepare', true), phase('basebackup', false, { current: copied, min: 0, max: total, unit: 'bytes' })]);
    },
  });
  writeFileSync(join(partial, 'backup_label'), copy.stop.labelfile, { mode: 0o600 });
  if (copy.stop.spcmapfile) writeFileSync(join(partial, 'tablespace_map'), copy.stop.spcmapfile, { mode: 0o600 });
  renameSync(partial, paths(root).data);
  if (integration) {
    // the replica's way in: its role's password in a passfile (any host and port: the source may fail over)
    const files = replicaFiles(root);
    engine.runtime.writeOwned(files.passfile, passfileLine('*', '*', '*', integration.role, engine.box.unseal(integration.passwordSealed)), owner);
    engine.runtime.writeOwned(files.ca, engine.ca.cert, owner, 0o644);
  }
  await engine.runtime.chownTree(root, owner);
  crashPoint('standby:copied');
  const startLsn = /START WAL LOCATION: (\S+)/.exec(copy.stop.labelfile)?.[1] ?? '0/0';
  const spec = engine.spec(svc, { ...node, slot });
  engine.runtime.writeConfig(spec, await nodeCertificate(engine));
  setProgress(engine, svc, node, [phase('prepare', true), phase('basebackup', true), phase('stream', false)]);
  // consistent (and taking connections) once it has replayed up to the copy's end
  await engine.runtime.start(spec, 600_000);
  crashPoint('standby:started');
  await catchUp(engine, name, nodeName, startLsn, upstreamSvc.name);
  engine.nodes.update(name, nodeName, { state: 'running', progress: [] });
  if (integration) return;
  // the quorum (synchronous_standby_names) names running standbys: the master learns of this one
  const mspec = masterSpec(engine, requireService(engine, name));
  if (engine.runtime.writeConfig(mspec)) await engine.runtime.reload(mspec);
}

/**
 * Waits until the node streams and replays within CAUGHT_UP_BYTES of its upstream's master (its own service's,
 * or a read replica's source's), showing the stream's progress.
 */
export async function catchUp(engine: Engine, name: string, nodeName: string, startLsn: string, upstream = name): Promise<void> {
  for (;;) {
    const svc = requireService(engine, name);
    const node = engine.nodes.get(name, nodeName);
    if (!node) throw new Error(`node ${nodeName} was removed while it was being built`);
    const rows = await engine.runtime.query<{ state: string | null; lag: string | null; done: string; total: string }>(masterSpec(engine, requireService(engine, upstream)),
      `SELECT r.state, pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn)::bigint::text AS lag,
              GREATEST(pg_wal_lsn_diff(COALESCE(r.replay_lsn, $2::pg_lsn), $2::pg_lsn), 0)::bigint::text AS done,
              GREATEST(pg_wal_lsn_diff(pg_current_wal_lsn(), $2::pg_lsn), 0)::bigint::text AS total
         FROM (SELECT 1) one LEFT JOIN pg_stat_replication r ON r.application_name = $1`, [nodeName, startLsn]);
    const row = rows[0];
    if (row?.state === 'streaming' && row.lag !== null && Number(row.lag) < CAUGHT_UP_BYTES) {
      setProgress(engine, svc, node, [phase('prepare', true), phase('basebackup', true), phase('stream', true), phase('finalize', true)]);
      return;
    }
    setProgress(engine, svc, node, [phase('prepare', true), phase('basebackup', true),
      phase('stream', false, { current: Number(row?.done ?? 0), min: 0, max: Number(row?.total ?? 0), unit: 'bytes' })]);
    if (engine.runtime.pid(engine.nodeRoot(svc, node)) === null) {
      throw new Error(`standby ${nodeName} stopped while catching up: ${engine.runtime.logTail(engine.nodeRoot(svc, node))}`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Stops a standby, drops its slot on the master and removes it (files, port, record). Safe to run again. */
export async function removeStandby(engine: Engine, svc: ServiceRecord, node: NodeRecord): Promise<void> {
  engine.nodes.update(svc.name, node.name, { state: 'leaving' });
  await stopNode(engine, svc, node, 'immediate');
  const master = engine.nodes.master(svc.name);
  if (master && engine.runtime.pid(engine.nodeRoot(svc, master)) !== null) {
    await dropSlot(engine, svc, node.slot ?? slotName(node.seq));
  }
  await removeNode(engine, svc, node);
  // the quorum no longer names it
  if (master && engine.runtime.pid(engine.nodeRoot(svc, master)) !== null) {
    const mspec = masterSpec(engine, requireService(engine, svc.name));
    if (engine.runtime.writeConfig(mspec)) await engine.runtime.reload(mspec);
  }
}

/**
 * As many standbys as the plan has nodes beside the master: missing ones added and built one after the other
 * (the master serves meanwhile), extra ones removed (the newest first, never the master). A node left half-built
 * by a crash or a failure is built again. Answers what it did, for the operation's message.
 */
export async function reconcileNodeCount(engine: Engine, name: string): Promise<string | undefined> {
  const svc = requireService(engine, name);
  const plan = findPlan(svc.plan);
  const wanted = Math.max(0, (plan?.nodeCount ?? 1) - 1);
  // standbys that stream (an upgrade's new cluster, recorded as a standby without a slot, is the upgrade's)
  const standbys = engine.nodes.standbys(name);
  const done: string[] = [];
  for (const extra of standbys.slice(wanted).reverse()) {
    await removeStandby(engine, svc, extra);
    done.push(`removed standby ${extra.name}`);
  }
  for (const node of standbys.slice(0, wanted).filter((n) => n.state !== 'running')) {
    await buildStandby(engine, name, node.name);
    done.push(`rebuilt standby ${node.name}`);
  }
  for (let i = standbys.length; i < wanted; i++) {
    const added = await addStandbyRecord(engine, name);
    try {
      await buildStandby(engine, name, added.name);
    } catch (err) {
      // a standby that could not be built goes: the service stays as it was, with what did work
      await removeStandby(engine, requireService(engine, name), engine.nodes.get(name, added.name) ?? added).catch(() => undefined);
      throw err;
    }
    done.push(`added standby ${added.name}`);
  }
  return done.length ? done.join('; ') : undefined;
}

/** A new standby's record: its own port and directory, state setting_up_vm. */
async function addStandbyRecord(engine: Engine, name: string): Promise<NodeRecord> {
  const svc = requireService(engine, name);
  const master = masterOf(engine, svc);
  const { port, release } = await allocatePort(engine, name);
  try {
    const seq = engine.nodes.nextSeq(name);
    engine.nodes.insert({
      service: name, name: `${name}-${seq}`, seq, dir: `n${seq}`, port, major: master.major, version: master.version,
      role: 'standby', state: 'setting_up_vm', slot: slotName(seq),
    });
    return engine.nodes.get(name, `${name}-${seq}`) as NodeRecord;
  } catch (err) {
    release();
    throw err;
  }
}
