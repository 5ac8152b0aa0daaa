// Finding a service and its nodes, and checking it is in a state that takes
// the change asked for: the one place every operation starts from.
import { ApiError } from '@/lib/api-v2/errors';
import type { InstanceSpec } from '../runtime/instance';
import type { NodeRecord } from '../store/nodes';
import type { ServiceRecord } from '../store/services';
import type { Engine } from './engine';

export function requireService(engine: Engine, name: string): ServiceRecord {
  const svc = engine.services.get(name);
  if (!svc) throw new ApiError('not-found', `service ${name} not found`);
  return svc;
}

/** The service, when it is in a state that accepts changes to its contents. */
export function requireRunning(engine: Engine, name: string): ServiceRecord {
  const svc = requireService(engine, name);
  if (svc.phase === 'creating' || svc.phase === 'deleting') {
    throw new ApiError('busy', `service ${name} is ${svc.phase === 'creating' ? 'being created' : 'being deleted'}`);
  }
  // a read replica's users, databases and pools are its source's catalog, read-only here
  refuseOnReplica(engine, name, 'users, databases and pools');
  return svc;
}

/** What a change to a read replica's contents (or, naming the field, its version) answers. */
export function refuseOnReplica(engine: Engine, name: string, what: string, field?: string): void {
  const integration = engine.integrations.replicaOf(name);
  if (integration) throw new ApiError('conflict', `${what}: ${name} is a read replica of ${integration.source}: change it on ${integration.source}, or promote ${name} first`, field);
}

/** The service's current master: where its URI, its PgBouncer and the engine's SQL point. */
export function masterOf(engine: Engine, svc: ServiceRecord): NodeRecord {
  const node = engine.nodes.master(svc.name);
  if (!node) throw new Error(`service ${svc.name} has no master node`);
  return node;
}

/** The master as the runtime runs it. */
export function masterSpec(engine: Engine, svc: ServiceRecord): InstanceSpec {
  return engine.spec(svc, masterOf(engine, svc));
}

/** Guards for changes that would break a live migration. */
export function requireNoMigration(engine: Engine, name: string, what: string, database?: string): void {
  const m = engine.migrations.get(name);
  if (!m || (m.status !== 'running' && m.status !== 'syncing')) return;
  if (database !== undefined && !engine.migrations.database(name, database)) return;
  throw new ApiError('conflict', `${what}: service ${name} has a migration ${m.status}; stop it first`);
}
