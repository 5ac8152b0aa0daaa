// Database access without SQL (issue 16): per database and user one of none, read, read-write or owner, applied as
// real grants (CONNECT; USAGE and CREATE on every schema; privileges on every table and sequence; ALTER DEFAULT
// PRIVILEGES for what the service's other roles create later) in one transaction, and read back from the catalogs:
// the user's own ACL entries and ownerships, so a grant made by SQL shows too.
import { DatabaseError } from 'pg';
import { ApiError } from '@/lib/api-v2/errors';
import { reservedUsernames } from '@/lib/schemas/common';
import type { AccessChange, AccessEntry, AccessLevel, AccessPlan, AccessView } from '@/lib/schemas/access';
import type { Operation } from '@/lib/schemas/operation';
import { quoteIdent } from '../runtime/sql-text';
import type { ServiceRecord } from '../store/services';
import type { Engine } from './engine';
import { masterSpec, requireRunning } from './lookup';
import { runNow, withOperation } from './operations';

/** How long a grant waits for a table another session holds locked before the change fails, changing nothing. */
export const ACCESS_LOCK_TIMEOUT = '5s';

const TABLE_WRITE = ['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'];

interface UserFacts {
  username: string;
  owner: boolean;
  connect: boolean;
  schemas: number;
  schema_usage: number;
  schema_create: number;
  tables: number;
  tables_select: number;
  tables_write: number;
  tables_any_write: number;
}

// Counts per user, from its own ACL entries (never PUBLIC's) and what it owns. Schemas: every one but the system's;
// tables: tables, views, materialized views and foreign tables in them.
const FACTS_SQL = `
WITH u AS (SELECT oid, rolname FROM pg_roles WHERE rolname = ANY($1)),
s AS (SELECT oid, nspowner, nspacl FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema'),
t AS (SELECT c.relowner, c.relacl FROM pg_class c JOIN s ON s.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')),
d AS (SELECT datdba FROM pg_database WHERE datname = current_database())
SELECT u.rolname AS username,
  (SELECT datdba FROM d) = u.oid AS owner,
  has_database_privilege(u.oid, current_database(), 'CONNECT') AS connect,
  (SELECT count(*) FROM s)::int AS schemas,
  (SELECT count(*) FROM s WHERE s.nspowner = u.oid
     OR EXISTS (SELECT 1 FROM aclexplode(s.nspacl) a WHERE a.grantee = u.oid AND a.privilege_type = 'USAGE'))::int AS schema_usage,
  (SELECT count(*) FROM s WHERE s.nspowner = u.oid
     OR EXISTS (SELECT 1 FROM aclexplode(s.nspacl) a WHERE a.grantee = u.oid AND a.privilege_type = 'CREATE'))::int AS schema_create,
  (SELECT count(*) FROM t)::int AS tables,
  (SELECT count(*) FROM t WHERE t.relowner = u.oid
     OR EXISTS (SELECT 1 FROM aclexplode(t.relacl) a WHERE a.grantee = u.oid AND a.privilege_type = 'SELECT'))::int AS tables_select,
  (SELECT count(*) FROM t WHERE t.relowner = u.oid
     OR (SELECT count(DISTINCT a.privilege_type) FROM aclexplode(t.relacl) a
          WHERE a.grantee = u.oid AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE')) = 3)::int AS tables_write,
  (SELECT count(*) FROM t WHERE t.relowner = u.oid
     OR EXISTS (SELECT 1 FROM aclexplode(t.relacl) a WHERE a.grantee = u.oid AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE')))::int AS tables_any_write
FROM u`;

/** The level the facts amount to, and whether the user holds more than it (partial grants). */
export function levelOf(f: UserFacts): { level: AccessLevel; partial: boolean } {
  if (f.owner) return { level: 'owner', partial: false };
  const reads = f.connect && f.schema_usage === f.schemas && f.tables_select === f.tables;
  if (reads && f.schema_create === f.schemas && f.tables_write === f.tables) return { level: 'read-write', partial: false };
  if (reads) return { level: 'read', partial: f.schema_create > 0 || f.tables_any_write > 0 };
  return { level: 'none', partial: f.schema_usage > 0 || f.tables_select > 0 || f.tables_any_write > 0 };
}

function serviceDatabases(engine: Engine, svc: ServiceRecord): string[] {
  return engine.services.databases(svc.name).map((d) => d.name);
}

function serviceUsers(engine: Engine, svc: ServiceRecord): string[] {
  return engine.services.users(svc.name).map((u) => u.username);
}

// GET /v2/pgdeck/dbaas-postgres/{name}/access
export async function readAccess(engine: Engine, name: string): Promise<AccessView> {
  const svc = requireRunning(engine, name);
  const databases = serviceDatabases(engine, svc);
  const users = serviceUsers(engine, svc);
  const access: AccessEntry[] = [];
  for (const database of databases) {
    const rows = await engine.runtime.query<UserFacts>(masterSpec(engine, svc), FACTS_SQL, [users], database);
    for (const username of users) {
      const facts = rows.find((r) => r.username === username);
      access.push({ database, username, ...(facts ? levelOf(facts) : { level: 'none', partial: false }) });
    }
  }
  return { databases, users, admin: svc.adminUsername, access };
}

/** The change checked against the service: its database and user exist, and the user is not the admin. */
function requireChange(engine: Engine, svc: ServiceRecord, change: AccessChange): void {
  if (!serviceDatabases(engine, svc).includes(change.database)) throw new ApiError('not-found', `database ${change.database} not found`, 'database');
  if (!serviceUsers(engine, svc).includes(change.username)) throw new ApiError('not-found', `user ${change.username} not found`, 'username');
  if (change.username === svc.adminUsername) {
    throw new ApiError('incorrect', `username: ${change.username} is the admin user, whose access to every database is not changed here`, 'username');
  }
}

/** The statements that bring the user to the level, for the database's schemas and the roles that create in them now. */
async function planChange(engine: Engine, svc: ServiceRecord, change: AccessChange): Promise<string[]> {
  const spec = masterSpec(engine, svc);
  const { database, username, level } = change;
  const [schemas, creators, owner] = await Promise.all([
    engine.runtime.query<{ nspname: string }>(spec, "SELECT nspname FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' ORDER BY nspname", [], database),
    // tables a role makes later follow its default privileges: every role of the service that may make them
    engine.runtime.query<{ rolname: string }>(
      spec,
      'SELECT rolname FROM pg_roles WHERE rolcanlogin AND NOT rolsuper AND rolname <> $1 AND rolname <> ALL($2) ORDER BY rolname',
      [username, [...reservedUsernames.keys()]],
      database,
    ),
    engine.runtime.query<{ owner: string }>(spec, 'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = current_database()', [], database),
  ]);
  const u = quoteIdent(username);
  const db = quoteIdent(database);
  const admin = quoteIdent(svc.adminUsername);
  const publicOwnedByDbOwner = Number(svc.major) >= 15; // PostgreSQL 15 made public owned by pg_database_owner
  const out: string[] = [];
  const wasOwner = owner[0]?.owner === username;
  if (level === 'owner' && !wasOwner) {
    out.push(`ALTER DATABASE ${db} OWNER TO ${u}`);
    if (!publicOwnedByDbOwner && schemas.some((s) => s.nspname === 'public')) out.push(`ALTER SCHEMA public OWNER TO ${u}`);
  }
  if (level !== 'owner' && wasOwner) {
    out.push(`ALTER DATABASE ${db} OWNER TO ${admin}`);
    if (!publicOwnedByDbOwner && schemas.some((s) => s.nspname === 'public')) out.push(`ALTER SCHEMA public OWNER TO ${admin}`);
  }
  const writes = level === 'read-write' || level === 'owner';
  out.push(level === 'none' ? `REVOKE ALL ON DATABASE ${db} FROM ${u}` : `GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO ${u}`);
  for (const { nspname } of schemas) {
    const s = quoteIdent(nspname);
    const grant = (privs: string[], on: string, target: string) => {
      if (privs.length) out.push(`GRANT ${privs.join(', ')} ON ${on} ${target} TO ${u}`);
    };
    const revoke = (privs: string[], on: string, target: string) => {
      if (privs.length) out.push(`REVOKE ${privs.join(', ')} ON ${on} ${target} FROM ${u}`);
    };
    const tablePrivs = level === 'none' ? [] : writes ? ['SELECT', ...TABLE_WRITE] : ['SELECT'];
    const sequencePrivs = level === 'none' ? [] : writes ? ['USAGE', 'SELECT', 'UPDATE'] : ['SELECT'];
    const schemaPrivs = level === 'none' ? [] : writes ? ['USAGE', 'CREATE'] : ['USAGE'];
    const not = (all: string[], kept: string[]) => all.filter((p) => !kept.includes(p));
    grant(schemaPrivs, 'SCHEMA', s);
    revoke(not(['USAGE', 'CREATE'], schemaPrivs), 'SCHEMA', s);
    grant(tablePrivs, 'ALL TABLES IN SCHEMA', s);
    revoke(not(['SELECT', ...TABLE_WRITE], tablePrivs), 'ALL TABLES IN SCHEMA', s);
    grant(sequencePrivs, 'ALL SEQUENCES IN SCHEMA', s);
    revoke(not(['USAGE', 'SELECT', 'UPDATE'], sequencePrivs), 'ALL SEQUENCES IN SCHEMA', s);
    for (const { rolname } of creators) {
      const forRole = `ALTER DEFAULT PRIVILEGES FOR ROLE ${quoteIdent(rolname)} IN SCHEMA ${s}`;
      if (tablePrivs.length) out.push(`${forRole} GRANT ${tablePrivs.join(', ')} ON TABLES TO ${u}`);
      const tableRevoked = not(['SELECT', ...TABLE_WRITE], tablePrivs);
      if (tableRevoked.length) out.push(`${forRole} REVOKE ${tableRevoked.join(', ')} ON TABLES FROM ${u}`);
      if (sequencePrivs.length) out.push(`${forRole} GRANT ${sequencePrivs.join(', ')} ON SEQUENCES TO ${u}`);
      const sequenceRevoked = not(['USAGE', 'SELECT', 'UPDATE'], sequencePrivs);
      if (sequenceRevoked.length) out.push(`${forRole} REVOKE ${sequenceRevoked.join(', ')} ON SEQUENCES FROM ${u}`);
    }
  }
  return out;
}

// POST /v2/pgdeck/dbaas-postgres/{name}/access/preview
export async function previewAccess(engine: Engine, name: string, change: AccessChange): Promise<AccessPlan> {
  const svc = requireRunning(engine, name);
  requireChange(engine, svc, change);
  return { statements: await planChange(engine, svc, change) };
}

// PUT /v2/pgdeck/dbaas-postgres/{name}/access
export async function changeAccess(engine: Engine, name: string, change: AccessChange): Promise<Operation> {
  const svc = requireRunning(engine, name);
  requireChange(engine, svc, change);
  return withOperation(engine, name, 'set-access', change, (op) =>
    runNow(engine, op, async () => {
      const statements = await planChange(engine, svc, change);
      // one transaction: a statement that fails (a table locked past the timeout) leaves every grant as it was
      const sql = ['BEGIN', `SET LOCAL lock_timeout = '${ACCESS_LOCK_TIMEOUT}'`, ...statements, 'COMMIT'].map((s) => `${s};`).join('\n');
      try {
        await engine.runtime.query(masterSpec(engine, svc), sql, [], change.database);
      } catch (err) {
        if (err instanceof DatabaseError && err.code === '55P03') {
          throw new ApiError('busy', `a table in ${change.database} is locked by another session: nothing was changed; try again once it is free`);
        }
        throw err;
      }
      return `${change.username} has ${change.level} access to ${change.database} (${statements.length} statements)`;
    }));
}
