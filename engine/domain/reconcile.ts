// Bringing a service to what the store says. Everything the engine writes for
// a service (its directories, each node's postgresql.conf, pg_hba.conf and
// pg_ident.conf, PgBouncer's files, role passwords and rights) is derived from
// the store, so after a crash, a restart or a hand-made mess it is simply
// derived again. Idempotent.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { paths, SUPERUSER } from '../runtime/instance';
import { newEngineSecret } from '../runtime/spares';
import { engineVerifier, quoteLiteral, verifierMatches } from '../runtime/sql-text';
import type { NodeRecord } from '../store/nodes';
import type { ServiceRecord } from '../store/services';
import { reloadConfig } from '../settings/apply';
import { backupJobName, ensureBackupDirs, removeBackupLeftovers, scheduleBackups } from './backups';
import { stopBouncer, syncBouncer } from './bouncer';
import { applyDatabase } from './databases';
import type { Engine } from './engine';
import { masterOf, masterSpec, requireService } from './lookup';
import { maintenanceJobName, scheduleMaintenance } from './maintenance';
import { stopNode } from './nodes';
import { applyUser, databaseExists, hardenRoles } from './roles';

/** The socket a node's PostgreSQL listens on, in its private run directory. */
export const pgSocket = (engine: Engine, svc: ServiceRecord, node: NodeRecord): string =>
  join(paths(engine.nodeRoot(svc, node)).run, `.s.PGSQL.${node.port}`);

/** PgBouncer's admin socket, in the service's run directory. */
export const bouncerSocket = (engine: Engine, svc: ServiceRecord): string | null =>
  svc.pgbouncerPort === null ? null : join(paths(engine.serviceRoot(svc)).run, `.s.PGSQL.${svc.pgbouncerPort}`);

/**
 * Puts the directories the engine owns back, with their owner and mode: the
 * service's directory and run directory (PgBouncer's sockets), and each node's
 * directory, run directory and data directory. A socket that was in a run
 * directory made again is gone: callers look for it.
 */
export function repairDirs(engine: Engine, svc: ServiceRecord): void {
  const owner = engine.serviceRunAs(svc);
  const service = paths(engine.serviceRoot(svc));
  engine.runtime.ownedDir(service.root, owner);
  engine.runtime.ownedDir(service.run, owner);
  for (const node of engine.nodes.list(svc.name)) {
    const p = paths(engine.nodeRoot(svc, node));
    engine.runtime.ownedDir(p.root, owner);
    engine.runtime.ownedDir(p.run, owner);
    if (existsSync(p.data)) engine.runtime.ownedDir(p.data, owner);
  }
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
  for (const node of engine.nodes.list(svc.name)) await stopNode(engine, svc, node);
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
 * local socket): its superuser gets one, on the master (standbys follow it),
 * over the socket it still trusts when it runs, in single-user mode when it
 * does not. Stored only once PostgreSQL has it.
 */
async function ensureEngineSecret(engine: Engine, svc: ServiceRecord): Promise<ServiceRecord> {
  if (svc.engineSecretSealed) return svc;
  const secret = newEngineSecret();
  const spec = masterSpec(engine, svc);
  if (engine.runtime.pid(spec.root) !== null) {
    await engine.runtime.query(spec, `ALTER ROLE ${SUPERUSER} PASSWORD ${quoteLiteral(engineVerifier(secret))}`);
  } else {
    await engine.runtime.setSuperuserPassword(spec.root, spec.binaries, spec.runAs, secret);
  }
  engine.services.update(svc.name, { engineSecretSealed: engine.box.seal(secret) });
  return requireService(engine, svc.name);
}

/**
 * The stored secret must open the master: an engine stopped between storing a
 * new secret and giving it to PostgreSQL (a fork's first start) finds it
 * refused, and gives it to PostgreSQL in single-user mode (a brief restart).
 */
async function ensureSecretAccepted(engine: Engine, svc: ServiceRecord): Promise<void> {
  const node = masterOf(engine, svc);
  const spec = engine.spec(svc, node);
  try {
    await engine.runtime.query(spec, 'SELECT 1');
    return;
  } catch (err) {
    if ((err as { code?: string }).code !== '28P01') throw err;
  }
  await stopNode(engine, svc, node);
  await engine.runtime.setSuperuserPassword(spec.root, spec.binaries, spec.runAs, spec.password);
  await engine.runtime.start(spec);
  engine.services.notify(svc.name, { level: 'notice', type: 'service_secret_restored', message: "The engine's credential for this service was set again (restarted once)", metadata: { node: node.name } });
}

/**
 * One node as the store says: configuration written again, started or
 * adopted (restarted when its socket is gone), reloaded when a file changed.
 * Answers what it did, for the log.
 */
export async function ensureNode(engine: Engine, svc: ServiceRecord, node: NodeRecord): Promise<string> {
  const spec = engine.spec(svc, node);
  const changed = engine.runtime.writeConfig(spec);
  const pid = engine.runtime.pid(spec.root);
  if (pid === null) {
    await engine.runtime.start(spec);
    return 'started';
  }
  if (!existsSync(pgSocket(engine, svc, node))) {
    await stopNode(engine, svc, node);
    await engine.runtime.start(spec);
    return 'restarted (its socket was missing)';
  }
  if (changed) {
    const pending = await reloadConfig(engine.runtime, spec);
    // a node made before WAL archiving existed: archive_mode takes a restart, once
    if (pending.includes('archive_mode')) {
      await stopNode(engine, svc, node);
      await engine.runtime.start(spec);
      return 'restarted (to turn WAL archiving on)';
    }
  }
  return `adopted (postmaster pid ${pid})`;
}

/**
 * PostgreSQL as the store says, on every node: the service's own user and
 * secret, its directories, each node ensured, roles hardened on the master.
 * Answers what it did per node, for the log.
 */
export async function ensureInstance(engine: Engine, name: string): Promise<Map<string, string>> {
  let svc = requireService(engine, name);
  svc = await moveToOwnUser(engine, svc);
  svc = await ensureEngineSecret(engine, svc);
  repairDirs(engine, svc);
  ensureBackupDirs(engine, svc);
  removeBackupLeftovers(engine, svc);
  // a service made before backups existed gets its first one now
  if (!engine.jobs.get(backupJobName(name))) scheduleBackups(engine, svc, { now: true });
  // and its maintenance window (made before maintenance existed)
  if (!engine.jobs.get(maintenanceJobName(name))) scheduleMaintenance(engine, svc);
  // PgBouncer's admin socket is in the service's run directory: without it the engine cannot reach PgBouncer (started again later)
  const admin = bouncerSocket(engine, svc);
  if (admin && !existsSync(admin)) await stopBouncer(engine, svc);
  const did = new Map<string, string>();
  for (const node of engine.nodes.list(name)) {
    // a standby still being built is built again from the start by its operation, never started half-copied
    if (node.role !== 'master' && node.state !== 'running') continue;
    did.set(node.name, await ensureNode(engine, svc, node));
  }
  // a read replica's catalog is its source's: read-only, and hardened there
  if (engine.integrations.replicaOf(name)) return did;
  await ensureSecretAccepted(engine, svc);
  await hardenRoles(engine, svc);
  return did;
}

/**
 * What lives inside PostgreSQL and PgBouncer as the store says: every user's
 * password and replication right, every database (on the master), PgBouncer's
 * files (users, pools, hba) rewritten and reloaded, PgBouncer started when it
 * does not run.
 */
export async function reconcileContents(engine: Engine, name: string): Promise<void> {
  const svc = requireService(engine, name);
  // a read replica's users and databases are its source's: only its PgBouncer is its own
  if (engine.integrations.replicaOf(name)) {
    await syncBouncer(engine, name, { start: true });
    return;
  }
  const spec = engine.spec(svc, masterOf(engine, svc));
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
