// The service's PgBouncer follows the service: its files are derived from the
// store (pools, users and their verifiers, ip-filter, pgbouncer-settings) and
// the current master, written and reloaded (RELOAD on its admin console, so
// client connections stay), started, stopped. Pool CRUD lives in pools.ts.
import { ApiError } from '@/lib/api-v2/errors';
import { paths } from '../runtime/instance';
import type { BouncerRuntime, BouncerSpec } from '../runtime/pgbouncer';
import { reloadConfig } from '../settings/apply';
import type { ServiceRecord } from '../store/services';
import type { Engine } from './engine';
import { masterSpec, requireService } from './lookup';
import { allocatePort } from './ports';

/** Client connections PgBouncer holds at once, over all pools of a service. */
export const MAX_CLIENT_CONN = 5000;

export function requireBouncer(engine: Engine): BouncerRuntime {
  const rt = engine.bouncer;
  if (!rt) throw new ApiError('unsupported', 'connection pools need PgBouncer, which is not installed on this engine (apt-get install pgbouncer)');
  return rt;
}

/** What PgBouncer's files say for this service, from the store and PostgreSQL's own password verifiers. */
async function bouncerSpec(engine: Engine, svc: ServiceRecord, port: number): Promise<BouncerSpec> {
  const master = masterSpec(engine, svc);
  const names = engine.services.users(svc.name).map((u) => u.username);
  const rows = await engine.runtime.query<{ rolname: string; rolpassword: string }>(
    master,
    'SELECT rolname, rolpassword FROM pg_authid WHERE rolname = ANY($1) AND rolcanlogin AND rolpassword IS NOT NULL',
    [names],
  );
  return {
    root: engine.serviceRoot(svc),
    listen: engine.config.pgHost,
    runAs: master.runAs,
    password: master.password,
    port,
    pgSocketDir: paths(master.root).run,
    pgPort: master.port,
    tlsDir: paths(master.root).data,
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
  const instance = masterSpec(engine, svc);
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
  const { password } = masterSpec(engine, svc);
  return requireBouncer(engine).admin({ root: engine.serviceRoot(svc), password, port: await bouncerPort(engine, svc) }, command);
}

