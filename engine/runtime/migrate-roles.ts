// A migration's roles: read from the source, made on the target by SQL the engine
// writes (design §3.3). Never with SUPERUSER, REPLICATION, BYPASSRLS or CREATEROLE;
// memberships only among the roles migrated now and a few harmless predefined
// roles; a password only as the source's SCRAM verifier (never a plaintext one).
import type pg from 'pg';
import { reservedUsername } from '@/lib/schemas/common';
import { quoteIdent, quoteLiteral } from './sql-text';

export interface SourceRole {
  name: string;
  login: boolean;
  inherit: boolean;
  createdb: boolean;
  connLimit: number;
  validUntil: string | null;
  /** The stored verifier (`SCRAM-SHA-256$…`, `md5…`); null without one or when the source user may not read it. */
  verifier: string | null;
  /** `rolconfig`: `name=value` settings for every database. */
  config: string[];
  memberOf: string[];
}

/** Predefined roles a migrated role may keep (where the target has them): none reaches the server's files or programs. */
export const MEMBERSHIP_ALLOW_LIST = ['pg_read_all_data', 'pg_write_all_data', 'pg_monitor', 'pg_read_all_settings', 'pg_read_all_stats',
  'pg_stat_scan_tables', 'pg_signal_backend', 'pg_checkpoint', 'pg_maintain'];

/** Settings whose value is a list of names: each element is its own literal (`'$user', 'public'`), as pg_dumpall writes them. */
const LIST_SETTINGS = new Set(['search_path', 'temp_tablespaces', 'local_preload_libraries', 'session_preload_libraries']);

/** Every role of the source but its own (`pg_*`, `postgres`, the bootstrap superuser); verifiers when the user is a superuser. */
export async function readSourceRoles(source: pg.Client): Promise<SourceRole[]> {
  const { rows: [me] } = await source.query<{ super: boolean }>('SELECT rolsuper AS super FROM pg_roles WHERE rolname = current_user');
  const catalog = me?.super ? 'pg_authid' : 'pg_roles';
  const verifier = me?.super ? 'r.rolpassword' : 'NULL::text';
  const { rows } = await source.query<SourceRole>(`
    SELECT r.rolname AS name, r.rolcanlogin AS login, r.rolinherit AS inherit, r.rolcreatedb AS createdb,
           r.rolconnlimit AS "connLimit", r.rolvaliduntil::text AS "validUntil", ${verifier} AS verifier,
           coalesce((SELECT s.setconfig FROM pg_db_role_setting s WHERE s.setrole = r.oid AND s.setdatabase = 0), '{}') AS config,
           array(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid ORDER BY 1) AS "memberOf"
      FROM ${catalog} r
     WHERE r.rolname !~ '^pg_' AND r.rolname <> 'postgres' AND r.oid <> 10
     ORDER BY r.rolname`);
  return rows;
}

/** The elements of a list setting as stored (`"$user", public`): comma-separated, each maybe double-quoted. */
export function splitListSetting(value: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:"((?:[^"]|"")*)"|([^,]*?))\s*(?:,|$)/gy;
  for (let m = re.exec(value); m && m[0] !== ''; m = re.exec(value)) out.push(m[1] !== undefined ? m[1].replaceAll('""', '"') : (m[2] ?? ''));
  return out.filter((s) => s !== '');
}

function settingSql(role: string, entry: string, userSettings: Set<string>): string | { notice: string } {
  const at = entry.indexOf('=');
  const name = entry.slice(0, at);
  const value = entry.slice(at + 1);
  if (at <= 0 || !userSettings.has(name)) return { notice: `role-setting-skipped: role "${role}": ${name} is not a setting a user may set here` };
  const values = LIST_SETTINGS.has(name) ? splitListSetting(value) : [value];
  return `ALTER ROLE ${quoteIdent(role)} SET ${quoteIdent(name)} TO ${values.length ? values.map(quoteLiteral).join(', ') : "''"}`;
}

function createSql(r: SourceRole): { sql: string; notice: string | null } {
  const parts = [r.login ? 'LOGIN' : 'NOLOGIN', r.inherit ? 'INHERIT' : 'NOINHERIT', r.createdb ? 'CREATEDB' : 'NOCREATEDB',
    'NOSUPERUSER', 'NOCREATEROLE', 'NOREPLICATION', 'NOBYPASSRLS', `CONNECTION LIMIT ${Math.trunc(r.connLimit)}`];
  if (r.validUntil !== null) parts.push(`VALID UNTIL ${quoteLiteral(r.validUntil)}`);
  let notice: string | null = null;
  // a verifier is a hash, not the password: portable between servers; anything else is never written into SQL
  if (r.verifier?.startsWith('SCRAM-SHA-256$')) parts.push(`PASSWORD ${quoteLiteral(r.verifier)}`);
  else if (r.verifier?.startsWith('md5')) notice = `role-password-md5: role "${r.name}" has an MD5 password, which this server does not accept: set a new one`;
  else if (r.verifier) notice = `role-password-skipped: role "${r.name}" has a password stored in a form that is not copied: set a new one`;
  return { sql: `CREATE ROLE ${quoteIdent(r.name)} WITH ${parts.join(' ')}`, notice };
}

/**
 * SQL the engine's superuser runs on the target, and the names it creates. Roles the target has (`existing`),
 * the admin's name and reserved names are left as they are; settings only where a user may set them
 * (`userSettings`: pg_settings names with context 'user'); memberships among the roles created and the
 * allow-listed predefined roles the target has (`predefined`). Last, each created role is granted to the
 * admin (16+: WITH INHERIT TRUE, SET TRUE), so its restore can ALTER … OWNER TO it.
 */
export function rolesSql(roles: SourceRole[], opts: { admin: string; targetMajor: number; existing: Set<string>; userSettings: Set<string>; predefined: Set<string> }):
  { statements: string[]; created: string[]; notices: string[] } {
  const statements: string[] = [];
  const notices: string[] = [];
  const created: string[] = [];
  for (const r of roles) {
    if (r.name === opts.admin || reservedUsername(r.name) || opts.existing.has(r.name)) {
      notices.push(`role-exists: role "${r.name}" ${opts.existing.has(r.name) || r.name === opts.admin ? 'exists here' : 'is reserved'}: left as it is`);
      continue;
    }
    const { sql, notice } = createSql(r);
    statements.push(sql);
    if (notice) notices.push(notice);
    created.push(r.name);
  }
  const made = new Set(created);
  const allowed = new Set(MEMBERSHIP_ALLOW_LIST.filter((g) => opts.predefined.has(g)));
  for (const r of roles.filter((x) => made.has(x.name))) {
    for (const entry of r.config) {
      const s = settingSql(r.name, entry, opts.userSettings);
      if (typeof s === 'string') statements.push(s);
      else notices.push(s.notice);
    }
    for (const g of r.memberOf) {
      if (made.has(g) || allowed.has(g)) statements.push(`GRANT ${quoteIdent(g)} TO ${quoteIdent(r.name)}`);
      else notices.push(`role-membership-skipped: role "${r.name}" is not made a member of "${g}"`);
    }
  }
  const how = opts.targetMajor >= 16 ? ' WITH INHERIT TRUE, SET TRUE' : '';
  // roles made here, and source roles the target already has (a service user of the same name): the admin's
  // restore gives them their objects
  const kept = roles.filter((r) => opts.existing.has(r.name) && r.name !== opts.admin && !reservedUsername(r.name)).map((r) => r.name);
  for (const name of [...created, ...kept]) statements.push(`GRANT ${quoteIdent(name)} TO ${quoteIdent(opts.admin)}${how}`);
  return { statements, created, notices };
}

/** A source database's own privileges and per-role settings, which only `pg_dump --create` would carry. */
export interface DatabaseExtras {
  /** null: the defaults (PUBLIC may connect and make temporary tables). */
  acl: { grantee: string; privilege: string }[] | null;
  /** ALTER DATABASE … SET (role null) and ALTER ROLE … IN DATABASE … SET entries, `name=value`. */
  settings: { role: string | null; config: string[] }[];
}

/** Read over a session on that source database. */
export async function readDatabaseExtras(source: pg.Client): Promise<DatabaseExtras> {
  const [d] = (await source.query<{ has_acl: boolean }>('SELECT datacl IS NOT NULL AS has_acl FROM pg_database WHERE datname = current_database()')).rows;
  const acl = d?.has_acl
    ? (await source.query<{ grantee: string; privilege: string }>(`SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee,
          a.privilege_type AS privilege
         FROM pg_database d, aclexplode(d.datacl) a WHERE d.datname = current_database() AND a.grantee <> d.datdba`)).rows
    : null;
  const settings = (await source.query<{ role: string | null; config: string[] }>(`SELECT CASE WHEN s.setrole = 0 THEN NULL ELSE pg_get_userbyid(s.setrole) END AS role,
      s.setconfig AS config FROM pg_db_role_setting s WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())`)).rows;
  return { acl, settings };
}

/**
 * The statements that give the target database the source's privileges and settings, for the roles the
 * target has (`roles`) and PUBLIC; run by the engine's superuser before the schema is restored (an owner of
 * a schema needs CREATE on the database).
 */
export function databaseSql(database: string, extras: DatabaseExtras, opts: { roles: Set<string>; userSettings: Set<string> }): { statements: string[]; notices: string[] } {
  const statements: string[] = [];
  const notices: string[] = [];
  const db = quoteIdent(database);
  if (extras.acl) {
    statements.push(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
    for (const { grantee, privilege } of extras.acl) {
      if (!['CONNECT', 'CREATE', 'TEMPORARY'].includes(privilege)) continue;
      if (grantee !== 'PUBLIC' && (!opts.roles.has(grantee) || reservedUsername(grantee))) {
        notices.push(`database-grant-skipped: ${privilege} on database "${database}" to "${grantee}", a role that is not migrated`);
        continue;
      }
      statements.push(`GRANT ${privilege} ON DATABASE ${db} TO ${grantee === 'PUBLIC' ? 'PUBLIC' : quoteIdent(grantee)}`);
    }
  }
  for (const { role, config } of extras.settings) {
    if (role !== null && (!opts.roles.has(role) || reservedUsername(role))) continue;
    for (const entry of config) {
      const at = entry.indexOf('=');
      const name = entry.slice(0, at);
      if (at <= 0 || !opts.userSettings.has(name)) {
        notices.push(`database-setting-skipped: ${name || entry} on database "${database}" is not a setting a user may set here`);
        continue;
      }
      const value = entry.slice(at + 1);
      const values = LIST_SETTINGS.has(name) ? splitListSetting(value) : [value];
      const to = values.length ? values.map(quoteLiteral).join(', ') : "''";
      statements.push(role === null ? `ALTER DATABASE ${db} SET ${quoteIdent(name)} TO ${to}` : `ALTER ROLE ${quoteIdent(role)} IN DATABASE ${db} SET ${quoteIdent(name)} TO ${to}`);
    }
  }
  return { statements, notices };
}
