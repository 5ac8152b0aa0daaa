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
  for (const name of created) statements.push(`GRANT ${quoteIdent(name)} TO ${quoteIdent(opts.admin)}${how}`);
  return { statements, created, notices };
}
