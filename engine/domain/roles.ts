// SQL on a service's roles and databases, always idempotent so that an
// operation cut off by a crash can simply be run again.
import { quoteIdent, quoteLiteral, scramVerifier } from '../runtime/sql-text';
import { adminMayCreateRoles, SERVER_ROLES } from '../runtime/templates';
import type { ServiceRecord, UserRecord } from '../store/services';
import type { Engine } from './engine';
import { masterSpec } from './lookup';

export async function roleExists(engine: Engine, svc: ServiceRecord, username: string): Promise<boolean> {
  const rows = await engine.runtime.query(masterSpec(engine, svc), 'SELECT 1 FROM pg_roles WHERE rolname = $1', [username]);
  return rows.length > 0;
}

/** Creates the role if needed and makes its password and replication right match the store. */
export async function applyUser(engine: Engine, svc: ServiceRecord, user: UserRecord): Promise<void> {
  const spec = masterSpec(engine, svc);
  const ident = quoteIdent(user.username);
  // The verifier is computed here, so the plain password never reaches SQL text or server logs.
  const verifier = quoteLiteral(scramVerifier(engine.box.unseal(user.passwordSealed)));
  const replication = user.allowReplication ? 'REPLICATION' : 'NOREPLICATION';
  if (!(await roleExists(engine, svc, user.username))) {
    await engine.runtime.query(spec, `CREATE ROLE ${ident} LOGIN ${replication} PASSWORD ${verifier}`);
  } else {
    await engine.runtime.query(spec, `ALTER ROLE ${ident} LOGIN ${replication} PASSWORD ${verifier}`);
  }
}

/** Drops a role, handing what it owns in every database to the admin first. */
export async function dropUser(engine: Engine, svc: ServiceRecord, username: string): Promise<void> {
  const spec = masterSpec(engine, svc);
  if (!(await roleExists(engine, svc, username))) return;
  const dbs = await engine.runtime.query<{ datname: string }>(spec, 'SELECT datname FROM pg_database WHERE datallowconn');
  for (const { datname } of dbs) {
    await engine.runtime.query(spec, `REASSIGN OWNED BY ${quoteIdent(username)} TO ${quoteIdent(svc.adminUsername)}; DROP OWNED BY ${quoteIdent(username)}`, [], datname);
  }
  await engine.runtime.query(spec, `DROP ROLE IF EXISTS ${quoteIdent(username)}`);
}

export async function databaseExists(engine: Engine, svc: ServiceRecord, name: string): Promise<boolean> {
  const rows = await engine.runtime.query(masterSpec(engine, svc), 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return rows.length > 0;
}

/**
 * Keeps a service's roles inside their database: no role but the engine's
 * superuser holds a role that reaches the server's programs or files, and
 * before PostgreSQL 16 the admin has no CREATEROLE (which there could grant
 * exactly those roles). Idempotent: run at every create and engine start, it
 * also takes back what an older engine let an admin grant itself.
 */
export async function hardenRoles(engine: Engine, svc: ServiceRecord): Promise<void> {
  const spec = masterSpec(engine, svc);
  if (!adminMayCreateRoles(svc.major)) {
    const roles = await engine.runtime.query<{ rolname: string }>(spec, 'SELECT rolname FROM pg_roles WHERE rolcreaterole AND NOT rolsuper');
    for (const { rolname } of roles) await engine.runtime.query(spec, `ALTER ROLE ${quoteIdent(rolname)} NOCREATEROLE`);
  }
  const grants = await engine.runtime.query<{ role: string; member: string }>(
    spec,
    `SELECT r.rolname AS role, m.rolname AS member FROM pg_auth_members am
       JOIN pg_roles r ON r.oid = am.roleid JOIN pg_roles m ON m.oid = am.member
      WHERE r.rolname = ANY($1) AND NOT m.rolsuper`,
    [[...SERVER_ROLES]],
  );
  for (const g of grants) await engine.runtime.query(spec, `REVOKE ${quoteIdent(g.role)} FROM ${quoteIdent(g.member)} CASCADE`);
}
