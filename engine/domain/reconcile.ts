// Bringing a service to what the store says. Everything the engine writes for
// a service (its directories, postgresql.conf, pg_hba.conf, PgBouncer's files,
// role passwords and rights) is derived from the store, so after a crash, a
// restart or a hand-made mess it is simply derived again. Idempotent.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { paths } from '../runtime/instance';
import { newEngineSecret } from '../runtime/spares';
import { quoteLiteral, engineVerifier, verifierMatches } from '../runtime/sql-text';
import { SUPERUSER } from '../runtime/instance';
import type { ServiceRecord } from '../store/services';
import { applyDatabase } from './databases';
import type { Engine } from './engine';
import { stopBouncer, syncBouncer } from './pools';
import { applyUser, databaseExists, hardenRoles } from './roles';
import { requireService } from './services';

/** The socket PostgreSQL listens on, in the service's private run directory. */
export const pgSocket = (engine: Engine, svc: ServiceRecord): string => join(paths(engine.serviceRoot(svc)).run, `.s.PGSQL.${svc.port}`);

/**
 * Puts the directories the engine owns back, with their owner and mode:
 * the service root, its run directory (sockets) and data directory. True when
 * the run directory had to be made again: the sockets that were in it are gone.
 */
export function repairDirs(engine: Engine, svc: ServiceRecord): boolean {
  const p = paths(engine.serviceRoot(svc));
  const owner = engine.serviceRunAs(svc);
  const runLost = !existsSync(p.run);
  engine.runtime.ownedDir(p.root, owner);
  engine.runtime.ownedDir(p.run, owner);
  if (existsSync(p.data)) engine.runtime.ownedDir(p.data, owner);
  return runLost;
}

/**
 * A service made by an older engine ran as the shared user: it moves to its
 * own (engine as root). Its processes stop, its files change hands, and the
 * caller starts it again.
 */
async function moveToOwnUser(engine: Engine, svc: ServiceRecord): Promise<ServiceRecord> {
  if (!engine.runAs || svc.osUser) return svc;
  const name = engine.osUsers.nameFor(svc.id);
  const root = engine.serviceRoot(svc);
  const user = await engine.osUsers.ensure(name, root);
  await stopBouncer(engine, svc);
  await engine.runtime.stop(engine.spec(svc), 'fast').catch(() => engine.runtime.stop(engine.spec(svc), 'immediate'));
  await engine.runtime.chownTree(root, user);
  engine.services.update(svc.name, { osUser: name });
  engine.services.notify(svc.name, {
    level: 'notice',
    type: 'service_isolated',
    message: `PostgreSQL and PgBouncer now run as the service's own OS user ${name} (restarted once to move there)`,
    metadata: { 'os-user': name },
  });
  return requireService(engine, svc.name);
}

/**
 * A service made by an older engine has no secret yet (its hba trusted the
 * local socket): its superuser gets one, over the socket it still trusts when
 * it runs, in single-user mode when it does not. Stored only once PostgreSQL has it.
 */
async function ensureEngineSecret(engine: Engine, svc: ServiceRecord): Promise<ServiceRecord> {
  if (svc.engineSecretSealed) return svc;
  const secret = newEngineSecret();
  const spec = engine.spec(svc);
  if (engine.runtime.pid(spec.root) !== null) {
    await engine.runtime.query(spec, `ALTER ROLE ${SUPERUSER} PASSWORD ${quoteLiteral(engineVerifier(secret))}`);
  } else {
    await engine.runtime.setSuperuserPassword(spec.root, spec.binaries, spec.runAs, secret);
  }
  engine.services.update(svc.name, { engineSecretSealed: engine.box.seal(secret) });
  return requireService(engine, svc.name);
}

/**
 * PostgreSQL as the store says: its own user and secret, its directories and
 * configuration files written again, started or adopted (restarted when its
 * socket directory was lost), reloaded when a file changed, roles hardened.
 * Answers what it did, for the log.
 */
export async function ensureInstance(engine: Engine, name: string): Promise<string> {
  let svc = requireService(engine, name);
  svc = await moveToOwnUser(engine, svc);
  svc = await ensureEngineSecret(engine, svc);
  const runLost = repairDirs(engine, svc);
  const spec = engine.spec(svc);
  const changed = engine.runtime.writeConfig(spec);
  // PgBouncer's admin socket is in the same directory: without it the engine cannot reach PgBouncer (started again later)
  if (svc.pgbouncerPort !== null && !existsSync(join(paths(spec.root).run, `.s.PGSQL.${svc.pgbouncerPort}`))) await stopBouncer(engine, svc);
  let did: string;
  const pid = engine.runtime.pid(spec.root);
  if (pid === null) {
    await engine.runtime.start(spec);
    did = 'started';
  } else if (runLost || !existsSync(pgSocket(engine, svc))) {
    await engine.runtime.stop(spec, 'fast');
    await engine.runtime.start(spec);
    did = 'restarted (its socket directory was missing)';
  } else {
    if (changed) await engine.runtime.reload(spec);
    did = `adopted (postmaster pid ${pid})`;
  }
  await hardenRoles(engine, svc);
  return did;
}

/**
 * What lives inside PostgreSQL and PgBouncer as the store says: every user's
 * password and replication right, every database, PgBouncer's files (users,
 * pools, hba) rewritten and reloaded, PgBouncer started when it does not run.
 */
export async function reconcileContents(engine: Engine, name: string): Promise<void> {
  const svc = requireService(engine, name);
  const spec = engine.spec(svc);
  const users = engine.services.users(name);
  const rows = await engine.runtime.query<{ rolname: string; rolpassword: string | null; rolreplication: boolean; rolcanlogin: boolean }>(
    spec,
    'SELECT rolname, rolpassword, rolreplication, rolcanlogin FROM pg_authid WHERE rolname = ANY($1)',
    [users.map((u) => u.username)],
  );
  const live = new Map(rows.map((r) => [r.rolname, r]));
  for (const user of users) {
    const r = live.get(user.username);
    const right = r && r.rolcanlogin && r.rolreplication === user.allowReplication && r.rolpassword !== null
      && verifierMatches(engine.box.unseal(user.passwordSealed), r.rolpassword);
    if (!right) await applyUser(engine, svc, user);
  }
  for (const db of engine.services.databases(name)) {
    if (!(await databaseExists(engine, svc, db.name))) await applyDatabase(engine, name, db.name);
  }
  await syncBouncer(engine, name, { start: true });
}
