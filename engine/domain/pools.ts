// Connection pools: a PgBouncer per service, one [databases] entry per pool.
// Every change is stored, written into PgBouncer's files and reloaded (RELOAD
// on its admin console): client connections stay open through it.
import { ApiError } from '@/lib/api-v2/errors';
import type { Operation } from '@/lib/schemas/operation';
import { DEFAULT_POOL_MODE, DEFAULT_POOL_SIZE, type ConnectionPool, type CreatePool, type UpdatePool } from '@/lib/schemas/pool';
import type { BouncerRuntime, BouncerSpec } from '../runtime/pgbouncer';
import type { PoolRecord, ServiceRecord } from '../store/services';
import type { Engine } from './engine';
import { reloadConfig } from '../settings/apply';
import { runNow, withOperation } from './operations';
import { allocatePort } from './ports';
import { requireService } from './services';
import { requireRunning } from './users';

/** Client connections PgBouncer holds at once, over all pools of a service. */
export const MAX_CLIENT_CONN = 5000;

function requireBouncer(engine: Engine): BouncerRuntime {
  const rt = engine.bouncer;
  if (!rt) throw new ApiError('unsupported', 'connection pools need PgBouncer, which is not installed on this engine (apt-get install pgbouncer)');
  return rt;
}

/** What PgBouncer's files say for this service, from the store and PostgreSQL's own password verifiers. */
async function bouncerSpec(engine: Engine, svc: ServiceRecord, port: number): Promise<BouncerSpec> {
  const spec = engine.spec(svc);
  const names = engine.services.users(svc.name).map((u) => u.username);
  const rows = await engine.runtime.query<{ rolname: string; rolpassword: string }>(
    spec,
    'SELECT rolname, rolpassword FROM pg_authid WHERE rolname = ANY($1) AND rolcanlogin AND rolpassword IS NOT NULL',
    [names],
  );
  return {
    root: spec.root,
    listen: engine.config.pgHost,
    runAs: spec.runAs,
    password: spec.password,
    port,
    pgPort: svc.port,
    ipFilter: svc.ipFilter,
    pools: engine.services.pools(svc.name),
    users: new Map(rows.map((r) => [r.rolname, r.rolpassword])),
    settings: svc.settings['pgbouncer-settings'] ?? {},
    maxClientConn: MAX_CLIENT_CONN,
  };
}

/** The service's PgBouncer port, allocated on first use (services made before pools existed have none). */
async function bouncerPort(engine: Engine, svc: ServiceRecord): Promise<number> {
  if (svc.pgbouncerPort !== null) return svc.pgbouncerPort;
  const { port, release } = await allocatePort(engine, svc.name);
  try {
    engine.services.update(svc.name, { pgbouncerPort: port });
  } catch (err) {
    release();
    throw err;
  }
  return port;
}

/**
 * Writes PgBouncer's files from the store and makes the running PgBouncer read
 * them; starts it when `start` is set and it does not run. Safe to run again.
 */
export async function syncBouncer(engine: Engine, name: string, opts: { start?: boolean } = {}): Promise<void> {
  const rt = engine.bouncer;
  if (!rt) return;
  const svc = requireService(engine, name);
  // PostgreSQL's ident map names the users PgBouncer may log in as: read before PgBouncer uses a new one
  const instance = engine.spec(svc);
  if (engine.runtime.writeConfig(instance) && engine.runtime.pid(instance.root) !== null) await reloadConfig(engine.runtime, instance);
  const spec = await bouncerSpec(engine, svc, await bouncerPort(engine, svc));
  rt.writeConfig(spec);
  if (!(await rt.reload(spec)) && opts.start) await rt.start(spec);
}

export async function stopBouncer(engine: Engine, svc: ServiceRecord): Promise<void> {
  await engine.bouncer?.stop(engine.serviceRoot(svc));
}

export function bouncerRunning(engine: Engine, svc: ServiceRecord): boolean {
  return engine.bouncer?.pid(engine.serviceRoot(svc)) != null;
}

/** A command on the service's PgBouncer admin console (SHOW POOLS...). */
export async function bouncerAdmin(engine: Engine, name: string, command: string): Promise<Record<string, unknown>[]> {
  const svc = requireService(engine, name);
  const { root, password } = engine.spec(svc);
  return requireBouncer(engine).admin({ root, password, port: await bouncerPort(engine, svc) }, command);
}

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

/** Stores the change, applies it, and puts the store back if PgBouncer could not take it. */
function change(engine: Engine, svc: ServiceRecord, command: string, params: Record<string, string>, apply: () => void, undo: () => void): Promise<Operation> {
  return withOperation(engine, svc.name, command, params, (op) => {
    apply();
    return runNow(engine, op, async () => {
      try {
        await syncBouncer(engine, svc.name, { start: true });
      } catch (err) {
        undo();
        await syncBouncer(engine, svc.name).catch(() => undefined);
        throw err;
      }
    });
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
