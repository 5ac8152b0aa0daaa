// Read replicas (docs/design/ha.md §8): a service of its own, one node of role
// read-replica, that streams from another service's master over TLS with a
// role and a physical slot of its own on the source. Its catalog is the
// source's (users, databases, the engine's own secret), so it takes its
// records from the source and refuses changes to them. Deleting the
// integration promotes it to a standalone service.
import { randomBytes } from 'node:crypto';
import { ApiError } from '@/lib/api-v2/errors';
import { READ_REPLICA, type Integration, type PostIntegration } from '@/lib/schemas/integration';
import type { Operation } from '@/lib/schemas/operation';
import { quoteIdent } from '../runtime/sql-text';
import type { IntegrationRecord } from '../store/integrations';
import type { ServiceRecord } from '../store/services';
import { scheduleBackups } from './backups';
import { stopBouncer, syncBouncer } from './bouncer';
import type { Engine } from './engine';
import { recordForkContents, rotateEngineSecret } from './forks';
import { masterOf, masterSpec, requireService } from './lookup';
import { stopNode } from './nodes';
import { runLater, withOperation } from './operations';
import { findPlan } from './plans';
import { applyUser, hardenRoles } from './roles';
import { buildStandby, dropSlot } from './standbys';

/** A new replica's role password: 32 random bytes, only ever sealed in the store and in the replica's passfile. */
const replicaPassword = (): string => randomBytes(32).toString('base64url');

/** The source a new service would replicate, checked: it runs, is no replica itself, and the replica's plan and version fit. */
export function checkReplicaSource(engine: Engine, body: { plan: string; version?: string }, sourceName: string, field: string): ServiceRecord {
  const source = engine.services.get(sourceName);
  if (!source) throw new ApiError('not-found', `${field}: service ${sourceName} not found`, field);
  if (source.phase !== 'running') throw new ApiError('busy', `${field}: service ${sourceName} is not running`, field);
  if (engine.integrations.replicaOf(sourceName)) {
    throw new ApiError('incorrect', `${field}: ${sourceName} is itself a read replica; replicate its source instead`, field);
  }
  if (body.version !== undefined && body.version !== source.major) {
    throw new ApiError('incorrect', `version: a read replica runs its source's major, ${source.major}`, 'version');
  }
  const plan = findPlan(body.plan);
  if (plan && plan.nodeCount !== 1) {
    throw new ApiError('incorrect', `plan: a read replica runs one node; ${plan.name} has ${plan.nodeCount}`, 'plan');
  }
  return source;
}

/** The records a replica starts with: its source's users and databases (its catalog is the source's), no pools. */
export function recordReplica(engine: Engine, source: ServiceRecord, dest: string): IntegrationRecord {
  recordForkContents(engine, source, dest);
  for (const p of engine.services.pools(dest)) engine.services.removePool(dest, p.name);
  return engine.integrations.insert(source.name, dest, engine.box.seal(replicaPassword()));
}

/** Builds the replica's node from its source's master and brings the service up; safe to run again. */
export async function materializeReplica(engine: Engine, name: string): Promise<string> {
  let svc = requireService(engine, name);
  const root = engine.serviceRoot(svc);
  engine.runtime.ownedDir(root, null);
  if (svc.osUser) await engine.osUsers.ensure(svc.osUser, root);
  const integration = engine.integrations.replicaOf(name);
  if (!integration) throw new Error(`${name} is not a read replica`);
  const node = masterOf(engine, svc);
  await buildStandby(engine, name, node.name);
  svc = requireService(engine, name);
  engine.integrations.setStatus(integration.id, 'streaming');
  await syncBouncer(engine, name, { start: true });
  engine.services.update(name, { phase: 'running' });
  return `streaming from ${integration.source}`;
}

/** A replica's role and slot on its source: dropped (retried while the slot is in use), the source's hba rewritten. */
export async function dropReplicaOnSource(engine: Engine, integration: IntegrationRecord): Promise<void> {
  const source = engine.services.get(integration.source);
  if (!source) return;
  const spec = masterSpec(engine, source);
  if (engine.runtime.pid(spec.root) === null) throw new Error(`${source.name} does not run: its slot ${integration.slot} and role ${integration.role} are dropped at its next start`);
  await dropSlot(engine, source, integration.slot);
  await engine.runtime.query(spec, `DROP ROLE IF EXISTS ${quoteIdent(integration.role)}`);
}

/** After the integration row is gone: every source node's pg_hba without the replica's line. */
async function rewriteSourceHba(engine: Engine, sourceName: string): Promise<void> {
  const source = engine.services.get(sourceName);
  if (!source) return;
  for (const n of engine.nodes.list(sourceName)) {
    const spec = engine.spec(source, n);
    if (engine.runtime.writeConfig(spec) && engine.runtime.pid(spec.root) !== null) await engine.runtime.reload(spec);
  }
}

/**
 * Promotion: the replica's node leaves recovery and becomes a master; the service gets its own engine secret,
 * its users and databases as the source has them now, its backups; the source forgets the replica.
 */
async function promote(engine: Engine, integration: IntegrationRecord): Promise<string> {
  const name = integration.dest;
  engine.integrations.setStatus(integration.id, 'promoting');
  const svc = requireService(engine, name);
  const node = masterOf(engine, svc);
  const spec = engine.spec(svc, node);
  const [state] = await engine.runtime.query<{ r: boolean }>(spec, 'SELECT pg_is_in_recovery() AS r');
  if (state?.r) {
    await engine.runtime.query(spec, 'SELECT pg_promote(true, 60)');
  }
  await engine.runtime.query(spec, 'CHECKPOINT');
  engine.db.transaction(() => {
    engine.nodes.update(name, node.name, { role: 'master', slot: null });
    // the source's users and databases as they are now: the catalog it streamed holds them
    for (const u of engine.services.users(name)) engine.services.removeUser(name, u.username);
    for (const d of engine.services.databases(name)) engine.services.removeDatabase(name, d.name);
    const source = engine.services.get(integration.source);
    if (source) recordForkContents(engine, source, name);
    for (const p of engine.services.pools(name)) engine.services.removePool(name, p.name);
  })();
  let promoted = requireService(engine, name);
  const master = masterOf(engine, promoted);
  // no recovery settings any more, the configuration of a master
  engine.runtime.writeConfig(engine.spec(promoted, master));
  await engine.runtime.reload(engine.spec(promoted, master));
  // its own secret: the source's opens it no more (PgBouncer's admin console takes the engine's secret too: it
  // starts again with the new one)
  await stopBouncer(engine, promoted);
  await rotateEngineSecret(engine, promoted);
  promoted = requireService(engine, name);
  await hardenRoles(engine, promoted);
  for (const user of engine.services.users(name)) await applyUser(engine, promoted, user);
  await syncBouncer(engine, name, { start: true });
  scheduleBackups(engine, promoted, { now: true });
  let leftover = '';
  try {
    await dropReplicaOnSource(engine, integration);
  } catch (err) {
    leftover = `; on ${integration.source}, drop the slot ${integration.slot} and the role ${integration.role} by hand (${(err as Error).message})`;
  }
  engine.integrations.remove(integration.id);
  await rewriteSourceHba(engine, integration.source).catch(() => undefined);
  for (const s of [name, integration.source]) {
    if (!engine.services.get(s)) continue;
    engine.services.notify(s, {
      level: 'notice', type: 'service_replica_promoted',
      message: `${name}, a read replica of ${integration.source}, was promoted: it is a standalone service now`,
      metadata: { source: integration.source, dest: name },
    });
  }
  return `promoted ${name} to a standalone service${leftover}`;
}

/** Deleting a replica service: what it holds on its source goes first (best effort: the source may be down). */
export async function forgetReplica(engine: Engine, name: string): Promise<void> {
  const integration = engine.integrations.replicaOf(name);
  if (!integration) return;
  const svc = requireService(engine, name);
  await stopNode(engine, svc, masterOf(engine, svc), 'immediate').catch(() => undefined);
  await dropReplicaOnSource(engine, integration).catch((err: Error) => console.error(`${name}: ${err.message}`));
  engine.integrations.remove(integration.id);
  await rewriteSourceHba(engine, integration.source).catch(() => undefined);
}

/** An integration as the API shows it. */
export function integrationView(rec: IntegrationRecord): Integration {
  return {
    id: rec.id,
    type: rec.type,
    source: rec.source,
    dest: rec.dest,
    description: `Read replica of ${rec.source}`,
    settings: {},
    'is-enabled': true,
    'is-active': rec.status === 'streaming',
    status: rec.status,
  };
}

export function requireIntegration(engine: Engine, id: string): IntegrationRecord {
  const rec = engine.integrations.get(id);
  if (!rec) throw new ApiError('not-found', `integration ${id} not found`);
  return rec;
}

// DELETE /v2/dbaas-integration/{id}: the replica is promoted
export function deleteIntegration(engine: Engine, id: string): Promise<Operation> {
  const rec = requireIntegration(engine, id);
  return withOperation(engine, rec.dest, 'promote-replica', { id }, (op) => runLater(engine, op, () => promote(engine, rec)));
}

/** Resumes a promotion an engine stop cut off (each step is idempotent). */
export async function resumePromotion(engine: Engine, id: string): Promise<void> {
  const rec = engine.integrations.get(id);
  if (rec) await promote(engine, rec);
}

// POST /v2/dbaas-integration: an existing service with no data of its own becomes a read replica
export async function createIntegration(engine: Engine, body: PostIntegration): Promise<Operation> {
  if (body['integration-type'] !== READ_REPLICA) {
    throw new ApiError('unsupported', `integration-type: this engine runs read_replica integrations only, not ${body['integration-type']}`, 'integration-type');
  }
  const destName = body['dest-service'];
  const dest = requireService(engine, destName);
  if (destName === body['source-service']) throw new ApiError('incorrect', 'dest-service: a service cannot replicate itself', 'dest-service');
  const source = checkReplicaSource(engine, { plan: dest.plan, version: dest.major }, body['source-service'], 'source-service');
  if (engine.integrations.replicaOf(destName)) throw new ApiError('conflict', `dest-service: ${destName} is a read replica already`, 'dest-service');
  if (engine.integrations.replicasOf(destName).length) throw new ApiError('conflict', `dest-service: ${destName} has read replicas of its own`, 'dest-service');
  if (dest.terminationProtection) throw new ApiError('forbidden', `dest-service: ${destName} has termination protection on; its data would be replaced`, 'dest-service');
  const tables = await userRelations(engine, dest);
  if (tables > 0) throw new ApiError('conflict', `dest-service: ${destName} holds ${tables} table(s) or other relations; a read replica's data is replaced by its source's: use an empty service, or create the replica with integrations`, 'dest-service');
  return withOperation(engine, destName, 'create-integration', { source: source.name }, async (op) => {
    const svc = requireService(engine, destName);
    const node = masterOf(engine, svc);
    // its PgBouncer knows the engine's secret of the service, which becomes the source's
    await stopBouncer(engine, svc);
    await stopNode(engine, svc, node, 'fast');
    engine.db.transaction(() => {
      for (const u of engine.services.users(destName)) engine.services.removeUser(destName, u.username);
      for (const d of engine.services.databases(destName)) engine.services.removeDatabase(destName, d.name);
      for (const p of engine.services.pools(destName)) engine.services.removePool(destName, p.name);
      engine.services.update(destName, { engineSecretSealed: source.engineSecretSealed, adminUsername: source.adminUsername, phase: 'creating' });
      engine.nodes.update(destName, node.name, { role: 'read-replica', state: 'setting_up_vm' });
      recordReplica(engine, source, destName);
    })();
    return runLater(engine, op, () => materializeReplica(engine, destName));
  });
}

/** Relations of the service's users, in every database (what a replica would overwrite). */
async function userRelations(engine: Engine, svc: ServiceRecord): Promise<number> {
  const spec = masterSpec(engine, svc);
  let n = 0;
  const dbs = await engine.runtime.query<{ datname: string }>(spec, "SELECT datname FROM pg_database WHERE datallowconn AND datname NOT IN ('template0', 'template1')");
  for (const { datname } of dbs) {
    const [r] = await engine.runtime.query<{ n: number }>(spec,
      `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'm', 'v', 'S') AND ns.nspname NOT IN ('pg_catalog', 'information_schema') AND ns.nspname !~ '^pg_toast'`, [], datname);
    n += r?.n ?? 0;
  }
  return n;
}
