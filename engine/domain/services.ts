// What creating, changing and deleting a PostgreSQL service means.
import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '@/lib/api-v2/errors';
import { parseCidr } from '@/lib/schemas/cidr';
import type { Operation } from '@/lib/schemas/operation';
import type { CreateService, UpdateService } from '@/lib/schemas/service';
import { DEFAULT_DATABASE, TEMPLATE_ADMIN, ensureTemplate } from '../runtime/templates';
import { quoteIdent } from '../runtime/sql-text';
import type { OperationRow } from '../store/operations';
import type { ServiceRecord } from '../store/services';
import { newEngineSecret } from '../runtime/spares';
import { reloadConfig, refusal } from '../settings/apply';
import { checkNewSettings, checkSettings, mergeSettings, restartingChanges } from '../settings/service-settings';
import { ensureBackupDirs, scheduleBackups } from './backups';
import { stopBouncer, syncBouncer } from './bouncer';
import { serviceParameters, type Engine } from './engine';
import { alignForkContents, checkFork, recordForkContents, restoreFork, type ForkSource } from './forks';
import { masterOf, masterSpec, refuseOnReplica, requireNoMigration, requireService } from './lookup';
import { scheduleMaintenance } from './maintenance';
import { firstNode, nodeCertificate, removeNode, stopNode } from './nodes';
import { runLater, runNow, withOperation } from './operations';
import { upgradeService } from './upgrades';
import { abandonMigration, recordMigration, startMigration, startRecordedMigration } from './migrations';
import { generatePassword } from './passwords';
import { measureDiskUse } from './disk-use';
import { checkDisk, checkNodeCount, checkPlan, checkSyncReplication } from './plan-change';
import { findPlan, type Plan } from './plans';
import { allocatePort, releasePorts } from './ports';
import { applyUser, hardenRoles, roleExists } from './roles';
import { reconcileNodeCount } from './standbys';
import { checkReplicaSource, forgetReplica, materializeReplica, recordReplica } from './replicas';
import { ensureRelay, frontDir } from './failover';

const canonicalFilter = (list: string[]): string[] => [...new Set(list.map((c) => {
  const r = parseCidr(c);
  return r.ok ? r.cidr : c;
}))];

const defaultVersion = (engine: Engine): string => [...engine.binaries.keys()].sort((a, b) => Number(a) - Number(b)).pop() ?? '';

// POST /v2/dbaas-postgres/{name}
export async function createService(engine: Engine, name: string, body: CreateService): Promise<Operation> {
  checkSyncReplication(checkPlan(body.plan), body['synchronous-replication'] ?? 'off', 'synchronous-replication');
  const integration = body.integrations?.[0];
  if (integration?.['dest-service'] !== undefined && integration['dest-service'] !== name) {
    throw new ApiError('incorrect', `integrations[0].dest-service: must be the service being created, ${name}`, 'integrations[0].dest-service');
  }
  const replicaOf = integration ? checkReplicaSource(engine, body, integration['source-service'], 'integrations[0].source-service') : null;
  const source = body['fork-from-service'] !== undefined ? checkFork(engine, body) : replicaOf;
  const major = source?.major ?? body.version ?? defaultVersion(engine);
  if (!engine.binaries.has(major)) {
    throw new ApiError('unsupported', `version: PostgreSQL ${major} is not installed on this engine; available: ${[...engine.binaries.keys()].join(', ')}`, 'version');
  }
  // reserved names are refused by usernameSchema
  const admin = source?.adminUsername ?? body['admin-username'] ?? TEMPLATE_ADMIN;
  await checkNewSettings(engine.settings, major, findPlan(body.plan) as Plan, body);
  if (engine.services.get(name)) throw new ApiError('conflict', `service ${name} already exists`);
  // PostgreSQL's port and PgBouncer's, claimed on the host while the service exists; given back if it is refused
  const pg = await allocatePort(engine, name);
  let op: OperationRow;
  let bouncer: Awaited<ReturnType<typeof allocatePort>> | null = null;
  try {
    bouncer = engine.bouncer ? await allocatePort(engine, name) : null;
    op = recordService(engine, name, body, { major, admin, port: pg.port, pgbouncerPort: bouncer?.port ?? null, source, replica: replicaOf !== null });
  } catch (err) {
    pg.release();
    bouncer?.release();
    throw err;
  }
  if (replicaOf) return runLater(engine, op, () => materializeReplica(engine, name), () => discard(engine, name));
  const fork = source ? { source: source.name, time: body['recovery-backup-time'] ?? null } : undefined;
  // a migration asked for with the create starts once the service runs, as its own operation
  const migrate = body.migration ? () => startRecordedMigration(engine, name) : undefined;
  return runLater(engine, op, () => materializeWithStandbys(engine, name, fork), () => discard(engine, name), migrate);
}

/** The master first (the service runs and takes connections from then on), then the plan's standbys. */
export async function materializeWithStandbys(engine: Engine, name: string, fork?: ForkSource): Promise<string | undefined> {
  const note = await materialize(engine, name, fork);
  const standbys = await reconcileNodeCount(engine, name);
  return [note, standbys].filter(Boolean).join('; ') || undefined;
}

/**
 * Writes the service, its master node, its admin, its default database and the pending operation, all or
 * nothing. A fork takes its source's settings (the body's merged over them), users, databases and pools.
 */
function recordService(
  engine: Engine, name: string, body: CreateService,
  at: { major: string; admin: string; port: number; pgbouncerPort: number | null; source: ServiceRecord | null; replica: boolean },
): OperationRow {
  const { source } = at;
  return engine.db.transaction(() => {
    if (engine.services.get(name)) throw new ApiError('conflict', `service ${name} already exists`);
    const id = randomUUID();
    engine.services.insert({
      name,
      id,
      plan: body.plan,
      major: at.major,
      phase: 'creating',
      adminUsername: at.admin,
      ipFilter: canonicalFilter(body['ip-filter'] ?? source?.ipFilter ?? ['0.0.0.0/0', '::/0']),
      maintenance: body.maintenance ?? { dow: 'sunday', time: '04:00:00' },
      backupSchedule: body['backup-schedule'] ?? { 'backup-hour': 3, 'backup-minute': 0 },
      terminationProtection: body['termination-protection'] ?? false,
      settings: mergeSettings(source?.settings ?? {}, body),
      pgbouncerPort: at.pgbouncerPort,
      port: at.port,
      syncReplication: body['synchronous-replication'] ?? 'off',
      // its own OS user when the engine is root; made by materialize
      osUser: engine.runAs ? engine.osUsers.nameFor(id) : null,
      // a fork's restored catalog holds its source's secret until the fork gets its own
      engineSecretSealed: source?.engineSecretSealed ?? null,
    });
    // new nodes run the installed minor of their major
    engine.nodes.insert({ ...firstNode(name, at.major, engine.binaries.get(at.major)?.version ?? at.major, at.port), ...(at.replica ? { role: 'read-replica' as const } : {}) });
    if (source && at.replica) {
      recordReplica(engine, source, name);
      return engine.operations.insert(name, 'create-service', { 'replica-of': source.name });
    }
    if (source) {
      recordForkContents(engine, source, name);
      return engine.operations.insert(name, 'create-service', { 'fork-from': source.name, 'recovery-time': body['recovery-backup-time'] ?? '' });
    }
    const password = body['admin-password'] ?? generatePassword();
    engine.services.addUser(name, { username: at.admin, type: 'primary', passwordSealed: engine.box.seal(password), allowReplication: true });
    engine.services.addDatabase(name, { name: DEFAULT_DATABASE, lcCollate: null, lcCtype: null });
    // stored (its password sealed) with the service: an engine stopped before it starts starts it at its next start
    if (body.migration) recordMigration(engine, name, body.migration, null);
    return engine.operations.insert(name, 'create-service', {});
  })();
}

/**
 * Makes the service and its master node real and running: from a spare (or a
 * copy of the template), or, for a fork, restored from its source's backups.
 * Safe to run again after a crash; answers what the operation should say.
 */
export async function materialize(engine: Engine, name: string, fork?: ForkSource): Promise<string | undefined> {
  let svc = requireService(engine, name);
  const root = engine.serviceRoot(svc);
  // the directory first: a user whose home is missing is an orphan to any engine on the host
  engine.runtime.ownedDir(root, null);
  if (svc.osUser) await engine.osUsers.ensure(svc.osUser, root);
  let node = masterOf(engine, svc);
  let spec = engine.spec(svc, node);
  const tls = await nodeCertificate(engine);
  ensureBackupDirs(engine, svc);
  const copied = join(root, 'copied');
  let note: string | undefined;
  if (!existsSync(copied)) {
    await engine.runtime.stop(spec, 'immediate').catch(() => undefined);
    if (fork) {
      note = await restoreFork(engine, name, fork, tls);
    } else {
      const template = await ensureTemplate(engine.runtime, join(engine.config.dataDir, 'templates'), spec.binaries);
      let secret = await engine.spares.take(spec.binaries.version, root, spec.runAs);
      if (secret === null) {
        await engine.runtime.copyCluster(template, root, spec.runAs);
        secret = newEngineSecret();
        await engine.runtime.setSuperuserPassword(root, spec.binaries, spec.runAs, secret);
      }
      engine.services.update(name, { engineSecretSealed: engine.box.seal(secret) });
      engine.spares.refill(spec.binaries, template);
    }
    writeFileSync(copied, new Date().toISOString());
    svc = requireService(engine, name);
    spec = engine.spec(svc, node);
  }
  for (let attempt = 1; ; attempt++) {
    engine.runtime.writeConfig(spec, tls);
    try {
      await engine.runtime.start(spec);
      break;
    } catch (err) {
      // Free when allocated, the port may be taken by another program since: take another one.
      if (attempt >= 3 || !/could not bind|Address already in use/i.test((err as Error).message)) throw err;
      await engine.runtime.stop(spec, 'immediate').catch(() => undefined);
      const { port } = await allocatePort(engine, name);
      // nobody connected to the service yet: its address moves with its first node
      engine.db.transaction(() => {
        engine.nodes.update(name, node.name, { port });
        engine.services.update(name, { port });
      })();
      releasePorts(engine, [node.port]);
      node = masterOf(engine, svc);
      spec = engine.spec(svc, node);
    }
  }
  if (fork) await alignForkContents(engine, name);
  if (svc.adminUsername !== TEMPLATE_ADMIN && !(await roleExists(engine, svc, svc.adminUsername))) {
    await engine.runtime.query(spec, `ALTER ROLE ${quoteIdent(TEMPLATE_ADMIN)} RENAME TO ${quoteIdent(svc.adminUsername)}`);
  }
  await hardenRoles(engine, svc);
  for (const user of engine.services.users(name)) await applyUser(engine, svc, user);
  await syncBouncer(engine, name, { start: true });
  engine.db.transaction(() => {
    engine.nodes.update(name, node.name, { state: 'running' });
    engine.services.update(name, { phase: 'running' });
    // its first base backup as soon as it runs, then daily at its backup-schedule
    scheduleBackups(engine, requireService(engine, name), { now: true });
    scheduleMaintenance(engine, requireService(engine, name));
  })();
  return note;
}

/** Removes every trace of a service: processes, files, records, OS user, ports. Safe to run again. */
export async function discard(engine: Engine, name: string): Promise<void> {
  const svc = engine.services.get(name);
  if (!svc) return;
  // what a migration made on its source (publication, slot) goes first, while this side still runs
  const leftovers = await abandonMigration(engine, svc).catch((err: Error) => [`-- ${err.message}`]);
  // a read replica's role and slot on its source
  await forgetReplica(engine, name);
  if (leftovers.length) console.error(`${name}: drop these on the migration's source by hand: ${leftovers.join(' ')}`);
  await stopBouncer(engine, svc);
  await engine.front.stop(frontDir(engine, svc));
  for (const node of engine.nodes.list(name)) await removeNode(engine, svc, node);
  engine.runtime.remove(engine.serviceRoot(svc));
  // its backups go with it
  engine.runtime.remove(engine.backupRoot(svc));
  if (svc.osUser) await engine.osUsers.remove(svc.osUser);
  releasePorts(engine, [svc.pgbouncerPort]);
  engine.logs.forget(svc.id);
  engine.metrics.remove(svc.id);
  engine.services.remove(name);
}

// DELETE /v2/dbaas-postgres/{name}, DELETE /v2/dbaas-service/{name}
export function deleteService(engine: Engine, name: string): Promise<Operation> {
  const svc = requireService(engine, name);
  if (svc.terminationProtection) {
    throw new ApiError('forbidden', `service ${name} has termination protection on: turn it off before deleting`);
  }
  const replicas = engine.integrations.replicasOf(name).map((i) => i.dest);
  if (replicas.length) throw new ApiError('conflict', `service ${name} has read replicas (${replicas.join(', ')}): promote or delete them first`);
  return withOperation(engine, name, 'delete-service', {}, (op) => {
    engine.services.update(name, { phase: 'deleting' });
    return runLater(engine, op, () => discard(engine, name));
  });
}

// PUT /v2/dbaas-postgres/{name}
export async function updateService(engine: Engine, name: string, body: UpdateService): Promise<Operation> {
  const svc = requireService(engine, name);
  if (body.migration !== undefined) {
    const others = Object.keys(body).filter((k) => k !== 'migration');
    if (others.length) throw new ApiError('incorrect', `migration: start a migration on its own, then change ${others.join(', ')}`, 'migration');
    return startMigration(engine, name, body.migration);
  }
  if (body.version !== undefined && body.version !== svc.major) {
    const others = Object.keys(body).filter((k) => k !== 'version');
    if (others.length) throw new ApiError('incorrect', `version: change the version on its own, then ${others.join(', ')}`, 'version');
    requireNoMigration(engine, name, 'version');
    refuseOnReplica(engine, name, 'version', 'version');
    const replicas = engine.integrations.replicasOf(name).map((i) => i.dest);
    if (replicas.length) throw new ApiError('conflict', `version: ${name} has read replicas (${replicas.join(', ')}), which must run its major: promote or delete them first`, 'version');
    return upgradeService(engine, name, body.version);
  }
  const plan = checkPlan(body.plan ?? svc.plan);
  const oldPlan = findPlan(svc.plan);
  checkNodeCount(engine, name, plan);
  const sync = body['synchronous-replication'] ?? svc.syncReplication;
  checkSyncReplication(plan, sync, body['synchronous-replication'] !== undefined ? 'synchronous-replication' : 'plan');
  const planChanges = body.plan !== undefined && body.plan !== svc.plan;
  // a smaller disk must hold what the service holds now
  if (planChanges) await checkDisk(svc, plan, () => measureDiskUse(engine, svc));
  await checkSettings(engine.settings, svc.major, body);
  // standbys are added or removed online: the master keeps serving
  const nodesChange = plan.nodeCount !== (oldPlan?.nodeCount ?? 1);
  const syncChange = sync !== svc.syncReplication;
  const filter = body['ip-filter'] && canonicalFilter(body['ip-filter']);
  const settings = mergeSettings(svc.settings, body);
  const settingsChange = JSON.stringify(settings) !== JSON.stringify(svc.settings);
  const restartFor = await restartingChanges(engine.settings, svc.major, serviceParameters(svc), serviceParameters({ plan: body.plan ?? svc.plan, settings }));
  // a plan of another size changes memory-derived parameters, which PostgreSQL takes at a restart only; a plan of
  // the same size in another family changes none, and nothing restarts
  const restart = restartFor.length > 0;
  // The checks above awaited: a change that landed meanwhile would be lost by merging into the older settings.
  if (requireService(engine, name).updatedAt !== svc.updatedAt) {
    throw new ApiError('busy', `service ${name} changed while this request was being checked; retry`);
  }
  return withOperation(engine, name, 'update-service', { restart }, async (op) => {
    engine.services.update(name, {
      plan: body.plan,
      syncReplication: body['synchronous-replication'],
      ipFilter: filter,
      maintenance: body.maintenance,
      backupSchedule: body['backup-schedule'],
      terminationProtection: body['termination-protection'],
      settings,
      ...(restart ? { phase: 'updating' as const } : {}),
    });
    if (body['backup-schedule']) scheduleBackups(engine, requireService(engine, name));
    if (body.maintenance) scheduleMaintenance(engine, requireService(engine, name));
    // What is live: the store goes back to it when the change cannot be applied, and the files follow.
    const restore = async (reapply: (() => Promise<void>) | null) => {
      engine.services.update(name, {
        plan: svc.plan, syncReplication: svc.syncReplication, ipFilter: svc.ipFilter, maintenance: svc.maintenance, backupSchedule: svc.backupSchedule,
        terminationProtection: svc.terminationProtection, settings: svc.settings, phase: svc.phase,
      });
      if (body['backup-schedule']) scheduleBackups(engine, requireService(engine, name));
      if (body.maintenance) scheduleMaintenance(engine, requireService(engine, name));
      await (reapply ?? (async () => writeConfigs(engine, requireService(engine, name))))()
        .catch((err: Error) => console.error(`${name}: rewriting the configuration as it was failed: ${err.message}`));
    };
    try {
      if (planChanges || settingsChange) {
        // PostgreSQL's own verdict before anything is reloaded: a value it refuses leaves everything as it was
        writeConfigs(engine, requireService(engine, name));
        const master = masterSpec(engine, requireService(engine, name));
        const refused = engine.runtime.pid(master.root) === null ? null : await refusal(engine.runtime, master);
        if (refused) throw refused;
      }
      const reconfigure = filter || settingsChange || syncChange || planChanges;
      if (restart || nodesChange) {
        const applied = async () => {
          if (restart || reconfigure) await applyConfig(engine, name, restart);
          const nodes = nodesChange ? await reconcileNodeCount(engine, name) : undefined;
          return [restartFor.length ? `restarted PostgreSQL to apply ${restartFor.join(', ')}` : undefined, nodes].filter(Boolean).join('; ') || undefined;
        };
        return runLater(engine, op, applied, () => restore(async () => {
          await applyConfig(engine, name, restart);
          await reconcileNodeCount(engine, name);
        }));
      }
      // the answer says what became of PostgreSQL, as the restarting path's does
      return await runNow(engine, op, async () => {
        if (!reconfigure) return undefined;
        const restarted = await applyConfig(engine, name, false);
        return restarted.length ? `restarted PostgreSQL to apply ${restarted.join(', ')}` : 'reloaded the configuration; nothing restarted';
      });
    } catch (err) {
      await restore(filter || settingsChange || syncChange ? async () => void (await applyConfig(engine, name, false)) : null);
      throw err;
    }
  });
}

/** Writes every node's configuration files from the store. */
function writeConfigs(engine: Engine, svc: ServiceRecord): void {
  for (const node of engine.nodes.list(svc.name)) engine.runtime.writeConfig(engine.spec(svc, node));
}

/**
 * Rewrites every node's configuration from the store and reloads it; restarts a node when asked or when
 * PostgreSQL says a changed parameter needs it (the master last, so it is down the shortest time). Answers the
 * parameters PostgreSQL said needed a restart.
 */
export async function applyConfig(engine: Engine, name: string, restart: boolean): Promise<string[]> {
  const svc = requireService(engine, name);
  const nodes = engine.nodes.list(name).sort((a, b) => Number(a.role === 'master') - Number(b.role === 'master'));
  const needed = new Set<string>();
  for (const node of nodes) {
    const spec = engine.spec(svc, node);
    engine.runtime.writeConfig(spec);
    const pending = engine.runtime.pid(spec.root) === null ? [] : await reloadConfig(engine.runtime, spec);
    pending.forEach((p) => needed.add(p));
    if (restart || pending.length) {
      await stopNode(engine, svc, node, 'fast');
      await engine.runtime.start(spec);
    }
  }
  if (restart) engine.services.update(name, { phase: 'running' });
  // ip-filter and pgbouncer-settings reach PgBouncer's files too, the ip-filter the relay's after a failover
  await syncBouncer(engine, name, { start: true });
  await ensureRelay(engine, requireService(engine, name));
  return [...needed];
}
