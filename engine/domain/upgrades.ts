// Major version upgrades (PUT /v2/dbaas-postgres/{name} with `version`): the
// check, a backup, the new cluster built as a new node beside the old one,
// the data moved (pg_upgrade --link where the target has a pg_upgrade, else
// dump and restore), verification, the switch. Until the switch is written to
// the store, every failure (and an engine stopped halfway) rolls back to the
// old node, exactly as it was:
//  - pg_upgrade failed, or the new cluster never started: pg_control.old is
//    renamed back (pg_upgrade's own way back) and the old node starts again;
//  - the new cluster started (with --link it shares the old one's files, so
//    the old files are no longer trustworthy): the old node is restored from
//    the backup taken first plus every WAL file it wrote until it stopped;
//  - dump and restore never touch the old node's files: only its pg_hba,
//    which shut clients out while the data was copied, is written back.
// After the switch the old node is removed and the upgrade is finished even
// across an engine restart.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '@/lib/api-v2/errors';
import { upgradeStepMessage, type UpgradeStep } from '@/lib/schemas/upgrade-steps';
import type { Operation } from '@/lib/schemas/operation';
import { restoreDataDir } from '../runtime/base-backup';
import { paths, type InstanceSpec, type Tls } from '../runtime/instance';
import { dumpRestore, initNewCluster, pgUpgrade } from '../runtime/pg-upgrade';
import { quoteIdent } from '../runtime/sql-text';
import type { NodeRecord } from '../store/nodes';
import type { OperationRow } from '../store/operations';
import type { ServiceRecord } from '../store/services';
import { backupPaths, ensureBackupDirs, listBackups, scheduleBackups, takeBackupWhenFree } from './backups';
import { syncBouncer } from './bouncer';
import { reconcileNodeCount, removeStandby } from './standbys';
import { crashPoint, failPoint } from './crash-points';
import type { Engine } from './engine';
import { stageWal } from './forks';
import { masterOf, requireService } from './lookup';
import { removeNode } from './nodes';
import { runLater, withOperation } from './operations';
import { allocatePort } from './ports';
import { blockers, describeFindings } from './findings';
import { checkUpgrade, planUpgrade, type UpgradePlan } from './upgrade-check';


/** Marks an old node whose files a started new cluster may have written through hard links. */
const LINKED_MARK = 'upgrade-linked';
/** The old node's WAL, kept out of its data directory for a restore (the last file is not archived). */
const KEPT_WAL = 'upgrade-wal';

interface Ctx {
  engine: Engine;
  name: string;
  op: OperationRow;
  plan: UpgradePlan;
  oldNode: NodeRecord;
  newNode?: NodeRecord;
  /** When writes were refused (the old node stopped or shut off), and when they were accepted again. */
  downAt?: number;
  upAt?: number;
  /** What the downtime went to, phase by phase, for the operation's message. */
  phases: [string, number][];
}

/** Ends a phase of the downtime: its length goes into the operation's message. */
function mark(ctx: Ctx, phase: string): void {
  const last = ctx.phases.reduce((t, [, ms]) => t + ms, ctx.downAt ?? Date.now());
  ctx.phases.push([phase, Date.now() - last]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function step(ctx: Ctx, s: UpgradeStep): void {
  ctx.engine.operations.progress(ctx.op.id, upgradeStepMessage(ctx.plan.from, ctx.plan.target, s));
}

/** The service as the new node runs it: the settings the target accepts. */
const upgradedService = (svc: ServiceRecord, plan: UpgradePlan): ServiceRecord => ({ ...svc, major: plan.target, settings: plan.settings });

function tlsOf(spec: InstanceSpec): Tls {
  const data = paths(spec.root).data;
  return { cert: readFileSync(join(data, 'server.crt'), 'utf8'), key: readFileSync(join(data, 'server.key'), 'utf8') };
}

/** What the verification compares: databases, roles and user relations per database. */
async function inventory(engine: Engine, spec: InstanceSpec): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const dbs = await engine.runtime.query<{ datname: string }>(spec, "SELECT datname FROM pg_database WHERE datallowconn AND datname <> 'template0' ORDER BY 1");
  out.set('databases', dbs.map((d) => d.datname).join(','));
  const roles = await engine.runtime.query<{ r: string }>(spec, "SELECT string_agg(rolname, ',' ORDER BY rolname) AS r FROM pg_roles WHERE rolname !~ '^pg_'");
  out.set('roles', roles[0]?.r ?? '');
  for (const { datname } of dbs) {
    const [rel] = await engine.runtime.query<{ n: string }>(spec,
      `SELECT count(*)::text AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'm', 'p', 'v', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'`,
      [], datname);
    out.set(`relations in ${datname}`, rel?.n ?? '?');
  }
  return out;
}

/** The new node's record, beside the old one: its own directory and, until the switch, a port of its own. */
async function addNewNode(ctx: Ctx): Promise<NodeRecord> {
  const { engine, name, plan } = ctx;
  const seq = engine.nodes.nextSeq(name);
  const { port } = await allocatePort(engine, name);
  engine.nodes.insert({ service: name, name: `${name}-${seq}`, seq, dir: `n${seq}`, port, major: plan.target, version: plan.binaries.version, role: 'standby', state: 'setting_up_vm' });
  return engine.nodes.get(name, `${name}-${seq}`) as NodeRecord;
}

/** The new node's spec: on the old node's port (the service's address does not change) and, while it is checked, shut to clients. */
function newSpec(ctx: Ctx, opts: { closed: boolean }): InstanceSpec {
  const { engine, name, plan, oldNode } = ctx;
  const svc = upgradedService(requireService(engine, name), plan);
  const spec = engine.spec(svc, { ...(ctx.newNode as NodeRecord), port: oldNode.port });
  return opts.closed ? { ...spec, ipFilter: [], localRoles: [] } : spec;
}

async function waitWritable(engine: Engine, spec: InstanceSpec): Promise<void> {
  for (const deadline = Date.now() + 600_000; ;) {
    const [r] = await engine.runtime.query<{ recovering: boolean }>(spec, 'SELECT pg_is_in_recovery() AS recovering');
    if (r && !r.recovering) return;
    if (Date.now() > deadline) throw new Error('the node did not finish its recovery within 10 minutes');
    await sleep(100);
  }
}

/** Clients out of the old node (its pg_hba lets only the engine in, every session ended): writes are refused from here. */
async function shutOut(ctx: Ctx, oldSpec: InstanceSpec): Promise<Map<string, string>> {
  const { engine } = ctx;
  ctx.downAt = Date.now();
  engine.runtime.writeConfig({ ...oldSpec, ipFilter: [], localRoles: [] });
  await engine.runtime.reload(oldSpec);
  await engine.runtime.query(oldSpec, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'");
  // what the new cluster must hold, once nobody else can change it
  const before = await inventory(engine, oldSpec);
  mark(ctx, 'shut out');
  return before;
}

/** pg_upgrade --link: the old node stops; the new cluster takes its relation files through hard links. */
async function moveByPgUpgrade(ctx: Ctx, oldSpec: InstanceSpec, newRoot: string): Promise<Map<string, string>> {
  const { engine, plan } = ctx;
  await initNewCluster(newRoot, plan.toolsBin, oldSpec.runAs, oldSpec.password);
  // written out while clients still work: the shutdown checkpoint, inside the downtime, has little left to write
  await engine.runtime.query(oldSpec, 'CHECKPOINT');
  const before = await shutOut(ctx, oldSpec);
  await engine.runtime.stop(oldSpec, 'fast');
  mark(ctx, 'stop');
  // everything the old node wrote until it stopped: a restore after a failed start replays it
  const kept = join(oldSpec.root, KEPT_WAL);
  rmSync(kept, { recursive: true, force: true });
  await copyWal(join(paths(oldSpec.root).data, 'pg_wal'), kept);
  failPoint('upgrade:pg_upgrade');
  const res = await pgUpgrade({
    oldData: paths(oldSpec.root).data, oldBin: oldSpec.binaries.bin, newData: paths(newRoot).data, newBin: plan.toolsBin,
    oldPort: oldSpec.port, newPort: (ctx.newNode as NodeRecord).port, runAs: oldSpec.runAs, password: oldSpec.password, workDir: newRoot, mode: 'link',
  });
  mark(ctx, 'pg_upgrade');
  if (!res.ok) {
    const said = res.problems.map((p) => `${p.check}${p.dbnames.length ? ` (${p.dbnames.join(', ')})` : ''}`).join('; ');
    throw new Error(`pg_upgrade failed: ${said || res.output.trim().split('\n').slice(-4).join(' | ')}`);
  }
  return before;
}

/** The WAL files the archive does not hold yet (no archive_status/<file>.done): the last one, and any not archived. */
async function copyWal(from: string, to: string): Promise<void> {
  mkdirSync(to, { recursive: true, mode: 0o700 });
  const done = new Set(readdirSync(join(from, 'archive_status')).filter((f) => f.endsWith('.done')).map((f) => f.slice(0, -5)));
  for (const f of readdirSync(from)) {
    if (/^[0-9A-F]{24}$|\.history$/.test(f) && !done.has(f)) copyFileSync(join(from, f), join(to, f));
  }
}

/** Dump and restore: the old node keeps running, shut to everyone but the engine, while its data is copied. */
async function moveByDump(ctx: Ctx, oldSpec: InstanceSpec, newRoot: string): Promise<Map<string, string>> {
  const { engine, plan } = ctx;
  const built = engine.spec(upgradedService(requireService(engine, ctx.name), plan), ctx.newNode as NodeRecord);
  const closed = { ...built, ipFilter: [], localRoles: [] };
  await initNewCluster(newRoot, plan.binaries.bin, built.runAs, built.password);
  // built on its own port, shut to clients, archiving nothing (its WAL is not the service's history yet)
  engine.runtime.writeConfig({ ...closed, settings: { ...built.settings, archive_mode: 'off' } }, tlsOf(oldSpec));
  await engine.runtime.start(closed, 120_000);
  const before = await shutOut(ctx, oldSpec);
  failPoint('upgrade:pg_upgrade');
  await dumpRestore({
    from: { socketDir: paths(oldSpec.root).run, port: oldSpec.port },
    to: { socketDir: paths(newRoot).run, port: built.port },
    bindir: plan.toolsBin, runAs: oldSpec.runAs, password: oldSpec.password, databases: (before.get('databases') ?? '').split(',').filter((d) => d && d !== 'template1'),
  });
  mark(ctx, 'dump and restore');
  await engine.runtime.stop(closed, 'fast');
  await engine.runtime.stop(oldSpec, 'fast');
  mark(ctx, 'stop');
  return before;
}

/** The old major's backups can restore only with its binaries: kept aside, the new cluster starts a fresh store. */
function setOldBackupsAside(engine: Engine, svc: ServiceRecord): void {
  const p = backupPaths(engine, svc);
  const aside = p.beforeUpgrade;
  rmSync(aside, { recursive: true, force: true });
  mkdirSync(aside, { mode: 0o700 });
  if (existsSync(p.wal)) renameSync(p.wal, join(aside, 'wal'));
  if (existsSync(p.base)) renameSync(p.base, join(aside, 'base'));
  ensureBackupDirs(engine, svc);
}

function putOldBackupsBack(engine: Engine, svc: ServiceRecord): void {
  const p = backupPaths(engine, svc);
  const aside = p.beforeUpgrade;
  if (!existsSync(aside)) return;
  for (const d of ['wal', 'base'] as const) {
    if (!existsSync(join(aside, d))) continue;
    rmSync(p[d], { recursive: true, force: true });
    renameSync(join(aside, d), p[d]);
  }
  rmSync(aside, { recursive: true, force: true });
  ensureBackupDirs(engine, svc);
}

/** Starts the new node, shut to clients, and compares what it holds with what the old one held. */
async function verify(ctx: Ctx, before: Map<string, string>): Promise<void> {
  const { engine, plan, oldNode } = ctx;
  const svc = requireService(engine, ctx.name);
  const oldSpec = engine.spec(svc, oldNode);
  const closed = newSpec(ctx, { closed: true });
  setOldBackupsAside(engine, svc);
  engine.runtime.writeConfig(closed, tlsOf(oldSpec));
  if (plan.method === 'pg_upgrade') writeFileSync(join(oldSpec.root, LINKED_MARK), `${ctx.newNode?.name}\n`);
  await engine.runtime.start(closed, 600_000);
  crashPoint('upgrade:new-started');
  await waitWritable(engine, closed);
  mark(ctx, 'start');
  failPoint('upgrade:verify');
  const after = await inventory(engine, closed);
  const differ = [...before].filter(([k, v]) => after.get(k) !== v).map(([k, v]) => `${k}: ${v} before, ${after.get(k) ?? 'none'} after`);
  if (differ.length) throw new Error(`the upgraded cluster does not hold what the old one held: ${differ.join('; ')}`);
  mark(ctx, 'verify');
}

/** The switch, one transaction in the store: the new node is the master on the service's port, the service on the new major. */
function commitSwitch(ctx: Ctx): void {
  const { engine, name, plan, oldNode } = ctx;
  const fresh = ctx.newNode as NodeRecord;
  engine.db.transaction(() => {
    engine.nodes.update(name, fresh.name, { port: -1 });
    engine.nodes.update(name, oldNode.name, { port: fresh.port, role: 'standby', state: 'leaving' });
    engine.nodes.update(name, fresh.name, { port: oldNode.port, role: 'master', state: 'running' });
    engine.services.update(name, { major: plan.target, settings: plan.settings });
  })();
}

/** After the switch: clients back in, PgBouncer on the new node, extensions updated, statistics rebuilt, the old node gone. */
async function finishSwitch(engine: Engine, name: string): Promise<string[]> {
  const svc = requireService(engine, name);
  const master = masterOf(engine, svc);
  const spec = engine.spec(svc, master);
  engine.runtime.writeConfig(spec);
  if (engine.runtime.pid(spec.root) === null) await engine.runtime.start(spec, 600_000);
  else await engine.runtime.reload(spec);
  await syncBouncer(engine, name, { start: true });
  for (const node of engine.nodes.list(name).filter((n) => n.state === 'leaving')) {
    const root = engine.nodeRoot(svc, node);
    await removeNode(engine, svc, node);
    for (const f of [LINKED_MARK, KEPT_WAL]) rmSync(join(root, f), { recursive: true, force: true });
  }
  const updated: string[] = [];
  const dbs = await engine.runtime.query<{ datname: string }>(spec, "SELECT datname FROM pg_database WHERE datallowconn AND datname <> 'template0' ORDER BY 1");
  for (const { datname } of dbs) {
    const exts = await engine.runtime.query<{ extname: string }>(spec,
      'SELECT e.extname FROM pg_extension e JOIN pg_available_extensions a ON a.name = e.extname WHERE a.default_version IS DISTINCT FROM e.extversion', [], datname);
    for (const { extname } of exts) {
      await engine.runtime.query(spec, `ALTER EXTENSION ${quoteIdent(extname)} UPDATE`, [], datname);
      updated.push(`${extname} (${datname})`);
    }
    await engine.runtime.query(spec, 'ANALYZE', [], datname);
  }
  engine.services.update(name, { phase: 'running' });
  // the new cluster's first backup: point-in-time recovery starts again from it
  scheduleBackups(engine, requireService(engine, name), { now: true });
  // the plan's standbys, copied from the new master
  await reconcileNodeCount(engine, name);
  return updated;
}

/** Back to the old node as it was; safe to run again (an engine restart during a rollback runs it once more). */
async function rollBack(engine: Engine, name: string, oldNode: NodeRecord, target: string): Promise<void> {
  const svc = requireService(engine, name);
  const oldSpec = engine.spec(svc, oldNode);
  for (const node of engine.nodes.list(name).filter((n) => n.name !== oldNode.name && n.major === target)) {
    await engine.runtime.stop(engine.spec(svc, node), 'immediate').catch(() => undefined);
    await removeNode(engine, svc, node);
  }
  const data = paths(oldSpec.root).data;
  const linked = join(oldSpec.root, LINKED_MARK);
  if (existsSync(linked)) {
    // backups of the old major are back in place first: the restore reads them
    putOldBackupsBack(engine, svc);
    await restoreFromBackup(engine, svc, oldNode);
    rmSync(linked, { force: true });
  } else {
    putOldBackupsBack(engine, svc);
    if (existsSync(join(data, 'global', 'pg_control.old'))) renameSync(join(data, 'global', 'pg_control.old'), join(data, 'global', 'pg_control'));
  }
  rmSync(join(oldSpec.root, KEPT_WAL), { recursive: true, force: true });
  engine.runtime.writeConfig(oldSpec);
  if (engine.runtime.pid(oldSpec.root) === null) await engine.runtime.start(oldSpec, 600_000);
  else await engine.runtime.reload(oldSpec);
  engine.nodes.update(name, oldNode.name, { role: 'master', state: 'running' });
  engine.services.update(name, { phase: 'running' });
  await syncBouncer(engine, name, { start: true });
  // the standbys removed before the upgrade, copied again
  await reconcileNodeCount(engine, name);
}

/**
 * The old node's data directory again from the backup taken before the
 * upgrade, replaying the archive and then the WAL it kept until it stopped:
 * every commit the old node made is there.
 */
async function restoreFromBackup(engine: Engine, svc: ServiceRecord, oldNode: NodeRecord): Promise<void> {
  const spec = engine.spec(svc, oldNode);
  const backup = listBackups(engine, svc).filter((b) => b.major === oldNode.major).pop();
  if (!backup) throw new Error('no backup of the old cluster to restore it from');
  const data = paths(spec.root).data;
  const kept = join(spec.root, KEPT_WAL);
  if (!existsSync(kept)) throw new Error('the WAL the old cluster kept is missing; it cannot be restored to its last commit');
  await engine.runtime.stop(spec, 'immediate').catch(() => undefined);
  const tls = tlsOf(spec);
  rmSync(data, { recursive: true, force: true });
  await restoreDataDir(join(backupPaths(engine, svc).base, backup.name), backup, data);
  const staging = join(spec.root, 'restore-wal');
  rmSync(staging, { recursive: true, force: true });
  await stageWal(backupPaths(engine, svc).wal, backup, null, staging);
  // the kept files are newer than anything archived (the last one never was)
  for (const f of readdirSync(kept)) copyFileSync(join(kept, f), join(data, 'pg_wal', f));
  writeFileSync(join(data, 'recovery.signal'), '', { mode: 0o600 });
  await engine.runtime.chownTree(spec.root, spec.runAs);
  engine.runtime.writeConfig(spec, tls);
  await engine.runtime.start(spec, 600_000, { restore_command: `cp ${staging}/%f %p` });
  await waitWritable(engine, spec);
  rmSync(staging, { recursive: true, force: true });
}

async function runUpgrade(ctx: Ctx): Promise<string> {
  const { engine, name, plan } = ctx;
  const started = Date.now();
  step(ctx, 'check');
  const { findings } = await checkUpgrade(engine, requireService(engine, name), plan.target);
  if (blockers(findings).length) {
    throw new ApiError('incorrect', `version: the upgrade check found blockers; nothing was changed:\n${describeFindings(blockers(findings))}`, 'version');
  }
  step(ctx, 'backup');
  // after the one being taken, if any (a service upgraded right after its create is still taking its first)
  await takeBackupWhenFree(engine, name);
  step(ctx, 'upgrade');
  // standbys run the old major and cannot follow the new one: removed now, copied again from the new master
  // once it runs (the service has no standby in between, and says so in the operation's message)
  const standbys = engine.nodes.standbys(name);
  for (const s of standbys) await removeStandby(engine, requireService(engine, name), s);
  const svc = requireService(engine, name);
  const oldSpec = engine.spec(svc, ctx.oldNode);
  ctx.newNode = await addNewNode(ctx);
  const newRoot = engine.nodeRoot(svc, ctx.newNode);
  engine.runtime.ownedDir(newRoot, oldSpec.runAs);
  const before = plan.method === 'pg_upgrade' ? await moveByPgUpgrade(ctx, oldSpec, newRoot) : await moveByDump(ctx, oldSpec, newRoot);
  step(ctx, 'verify');
  await verify(ctx, before);
  step(ctx, 'switch');
  failPoint('upgrade:switch');
  commitSwitch(ctx);
  crashPoint('upgrade:switched');
  // clients back in: the normal pg_hba, reloaded
  const open = newSpec(ctx, { closed: false });
  engine.runtime.writeConfig(open);
  await engine.runtime.reload(open);
  mark(ctx, 'switch');
  ctx.upAt = Date.now();
  const updated = await finishSwitch(engine, name);
  const parts = [
    `upgraded ${plan.from} → ${plan.target} in ${((Date.now() - started) / 1000).toFixed(0)} s (${plan.method === 'pg_upgrade' ? 'pg_upgrade --link' : 'dump and restore'})`,
    `writes refused for ${(((ctx.upAt ?? 0) - (ctx.downAt ?? 0)) / 1000).toFixed(1)} s (${ctx.phases.map(([p, ms]) => `${p} ${(ms / 1000).toFixed(1)}`).join(', ')})`,
    ...(updated.length ? [`extensions updated: ${updated.join(', ')}`] : []),
    ...(plan.dropped.length ? [`dropped settings PostgreSQL ${plan.target} does not have: ${plan.dropped.join(', ')}`] : []),
    ...(standbys.length ? [`standbys copied again on PostgreSQL ${plan.target}: ${standbys.map((n) => n.name).join(', ')} (the service ran without a standby during the upgrade)`] : []),
  ];
  return parts.join('; ');
}

// PUT /v2/dbaas-postgres/{name} with a newer `version`
export async function upgradeService(engine: Engine, name: string, target: string): Promise<Operation> {
  const svc = requireService(engine, name);
  const { findings, plan } = await planUpgrade(engine, svc, target);
  if (!plan) {
    const f = blockers(findings)[0];
    const reason = f?.code === 'service-not-running' ? 'busy' : f?.code === 'target-not-newer' ? 'incorrect' : 'unsupported';
    throw new ApiError(reason, `version: ${f?.detail ?? 'cannot upgrade'}`, 'version');
  }
  const oldNode = masterOf(engine, svc);
  return withOperation(engine, name, 'upgrade', { from: svc.major, to: target, node: oldNode.name }, (op) => {
    engine.services.update(name, { phase: 'updating' });
    const ctx: Ctx = { engine, name, op, plan, oldNode, phases: [] };
    return runLater(engine, op, async () => {
      try {
        return await runUpgrade(ctx);
      } catch (err) {
        const said = (err as Error).message;
        if (requireService(engine, name).major === target) {
          // switched already: only what follows the switch failed, and it is finished again
          await finishSwitch(engine, name);
          return `upgraded ${plan.from} → ${target}; finishing it needed a second try (${said})`;
        }
        try {
          await rollBack(engine, name, oldNode, target);
        } catch (undo) {
          throw new Error(`${said}; rolling back failed too: ${(undo as Error).message}`);
        }
        const back = `rolled back: the service runs PostgreSQL ${plan.from} as before`;
        throw err instanceof ApiError ? new ApiError(err.reason, `${said}\n${back}`, err.field) : new Error(`${said}; ${back}`);
      }
    });
  });
}

/**
 * An upgrade an engine stop cut off: finished when its switch was written,
 * rolled back otherwise. Throws after a rollback, so the operation fails.
 */
export async function resumeUpgrade(engine: Engine, op: OperationRow, params: Record<string, string>): Promise<void> {
  const svc = requireService(engine, op.service);
  const to = params.to ?? '';
  if (svc.major === to) {
    await finishSwitch(engine, op.service);
    return;
  }
  const oldNode = engine.nodes.get(op.service, params.node ?? '') ?? masterOf(engine, svc);
  await rollBack(engine, op.service, oldNode, to);
  throw new Error(`the upgrade to ${to} was rolled back: the service runs PostgreSQL ${svc.major} as before`);
}

