// Connection pools: a PgBouncer per service, one [databases] entry per pool.
// Every change is stored, written into PgBouncer's files and reloaded (RELOAD
// on its admin console): client connections stay open through it.
import { ApiError } from '@/lib/api-v2/errors';
import type { Operation } from '@/lib/schemas/operation';
import { DEFAULT_POOL_MODE, DEFAULT_POOL_SIZE, type ConnectionPool, type CreatePool, type UpdatePool } from '@/lib/schemas/pool';
import type { PoolRecord, ServiceRecord } from '../store/services';
import { requireBouncer, syncBouncer } from './bouncer';
import type { Engine } from './engine';
import { requireRunning } from './lookup';
import { recordApplyUndo } from './operations';

function requirePool(engine: Engine, service: string, name: string): PoolRecord {
  const pool = engine.services.pool(service, name);
  if (!pool) throw new ApiError('not-found', `connection pool ${name} not found`);
  return pool;
}

/** The pool's database and user must be the service's own. */
function checkRefs(engine: Engine, service: string, pool: PoolRecord): void {
  if (!engine.services.database(service, pool.database)) {
    throw new ApiError('not-found', `database-name: database ${pool.database} not found in service ${service}`, 'database-name');
  }
  if (pool.username !== null && !engine.services.user(service, pool.username)) {
    throw new ApiError('not-found', `username: user ${pool.username} not found in service ${service}`, 'username');
  }
}

/** Stores the change, makes PgBouncer take it, and puts the store (and PgBouncer's files) back if it could not. */
function change(engine: Engine, svc: ServiceRecord, command: string, params: Record<string, string>, record: () => void, undo: () => void): Promise<Operation> {
  return recordApplyUndo(engine, svc.name, command, params, {
    record,
    apply: () => syncBouncer(engine, svc.name, { start: true }),
    undo,
    rederive: () => syncBouncer(engine, svc.name),
  });
}

// POST /v2/dbaas-postgres/{service-name}/connection-pool
export function createPool(engine: Engine, service: string, body: CreatePool): Promise<Operation> {
  requireBouncer(engine);
  const svc = requireRunning(engine, service);
  const pool: PoolRecord = {
    name: body.name,
    database: body['database-name'],
    mode: body.mode ?? DEFAULT_POOL_MODE,
    size: body.size ?? DEFAULT_POOL_SIZE,
    username: body.username ?? null,
  };
  if (engine.services.pool(service, pool.name)) throw new ApiError('conflict', `name: connection pool ${pool.name} already exists`, 'name');
  if (pool.name === 'pgbouncer') throw new ApiError('incorrect', 'name: "pgbouncer" is PgBouncer\'s admin console', 'name');
  checkRefs(engine, service, pool);
  return change(engine, svc, 'create-connection-pool', { name: pool.name },
    () => engine.services.addPool(service, pool),
    () => engine.services.removePool(service, pool.name));
}

// PUT /v2/dbaas-postgres/{service-name}/connection-pool/{connection-pool-name}
export function updatePool(engine: Engine, service: string, name: string, body: UpdatePool): Promise<Operation> {
  requireBouncer(engine);
  const svc = requireRunning(engine, service);
  const before = requirePool(engine, service, name);
  const after: PoolRecord = {
    name,
    database: body['database-name'] ?? before.database,
    mode: body.mode ?? before.mode,
    size: body.size ?? before.size,
    username: body.username ?? before.username,
  };
  checkRefs(engine, service, after);
  return change(engine, svc, 'update-connection-pool', { name },
    () => engine.services.updatePool(service, after),
    () => engine.services.updatePool(service, before));
}

// DELETE /v2/dbaas-postgres/{service-name}/connection-pool/{connection-pool-name}
export function deletePool(engine: Engine, service: string, name: string): Promise<Operation> {
  requireBouncer(engine);
  const svc = requireRunning(engine, service);
  const before = requirePool(engine, service, name);
  return change(engine, svc, 'delete-connection-pool', { name },
    () => engine.services.removePool(service, name),
    () => engine.services.addPool(service, before));
}

/** Refuses to remove a database or user that a pool still uses. */
export function requireUnpooled(engine: Engine, service: string, what: { database?: string; username?: string }): void {
  const users = engine.services.pools(service).filter((p) => p.database === what.database || (what.username !== undefined && p.username === what.username));
  if (users.length) {
    const kind = what.database !== undefined ? `database ${what.database}` : `user ${what.username}`;
    throw new ApiError('conflict', `${kind} is used by connection pool${users.length > 1 ? 's' : ''} ${users.map((p) => p.name).join(', ')}: delete or change ${users.length > 1 ? 'them' : 'it'} first`);
  }
}

/** The pools as a service lists them; passwords in the URIs only when `reveal`. */
export function poolsView(engine: Engine, svc: ServiceRecord, reveal: boolean): ConnectionPool[] {
  const host = engine.config.pgHost;
  const uriHost = host.includes(':') ? `[${host}]` : host;
  return engine.services.pools(svc.name).map((p) => {
    const username = p.username ?? svc.adminUsername;
    const user = engine.services.user(svc.name, username);
    const password = reveal && user ? `:${encodeURIComponent(engine.box.unseal(user.passwordSealed))}` : '';
    return {
      name: p.name,
      database: p.database,
      mode: p.mode,
      size: p.size,
      ...(p.username ? { username: p.username } : {}),
      'connection-uri': `postgres://${encodeURIComponent(username)}${password}@${uriHost}:${svc.pgbouncerPort ?? 0}/${p.name}?sslmode=require`,
    };
  });
}
