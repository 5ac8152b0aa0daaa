// What the migration pre-check reads on the source: the server (version,
// privileges, databases, replication capacity, whether this user may make a
// logical slot and a walsender login), then each database (tables it cannot
// read, extensions, functions in untrusted languages, what replication cannot
// carry). SQL from PostgreSQL 10 on; every session with a statement timeout.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { MigrationSource } from '@/lib/schemas/migration';
import { connectSource } from '../runtime/migration-source';
import type { Finding } from './findings';

type PgError = Error & { code?: string };

/** No catalog query of the check waits longer (a slot waits for running transactions). */
const STATEMENT_TIMEOUT_MS = 15_000;

export interface SourceDatabaseRow {
  datname: string;
  owner: string;
  /** datallowconn and CONNECT for this user. */
  canConnect: boolean;
  /** pg_database_size, when it may be read. */
  size: number | null;
}

export interface SourceServer {
  version: string;
  major: number;
  superuser: boolean;
  databases: SourceDatabaseRow[];
  /** Every database, system ones too (for ignore-dbs). */
  allDatabases: string[];
  freeSlots: number;
  freeSenders: number;
  /** Server-level reasons replication is impossible: wal-level-not-logical, replication-not-permitted. */
  replication: Finding[];
  notices: Finding[];
}

async function session(src: MigrationSource, ca: string, database: string, replication = false): Promise<pg.Client | { error: PgError }> {
  try {
    const client = await connectSource(src, database, ca, { replication });
    if (!replication) await client.query(`SET statement_timeout = ${STATEMENT_TIMEOUT_MS}`);
    return client;
  } catch (err) {
    return { error: err as PgError };
  }
}

const rows = async <R extends pg.QueryResultRow>(c: pg.Client, sql: string, params: unknown[] = []): Promise<R[]> => (await c.query<R>(sql, params)).rows;

/** Whether this user may replicate, tried for real: a temporary logical slot, and a walsender login (IDENTIFY_SYSTEM). */
async function replicationProbe(c: pg.Client, src: MigrationSource, ca: string, walLevel: string): Promise<{ blockers: Finding[]; notices: Finding[] }> {
  const found: Finding[] = [];
  const notices: Finding[] = [];
  const refused: string[] = [];
  if (walLevel !== 'logical') {
    found.push({ code: 'wal-level-not-logical', detail: `wal_level is ${walLevel} on the source — set wal_level = logical and restart it (RDS: rds.logical_replication = 1)` });
  } else {
    const slot = `pgdeck_check_${randomBytes(6).toString('hex')}`;
    try {
      await c.query("SELECT pg_create_logical_replication_slot($1, 'pgoutput', true)", [slot]);
      await c.query('SELECT pg_drop_replication_slot($1)', [slot]);
    } catch (err) {
      const code = (err as PgError).code;
      // 53400: every slot is taken, which replication-slots-insufficient says
      if (code === '57014') notices.push({ code: 'long-transactions-on-source', notice: true, detail: 'a replication slot waited over 15 s for transactions running on the source; the migration waits for them too' });
      else if (code !== '53400') refused.push(`a logical replication slot cannot be made (${(err as Error).message})`);
    }
  }
  const walsender = await session(src, ca, src.dbname, true);
  if ('error' in walsender) {
    // 53300: every walsender is taken, which wal-senders-insufficient says
    if (walsender.error.code !== '53300') refused.push(`a replication connection is refused (${walsender.error.message})`);
  } else {
    await walsender.query('IDENTIFY_SYSTEM').catch((err: Error) => refused.push(`a replication connection cannot start (${err.message})`));
    await walsender.end().catch(() => undefined);
  }
  if (refused.length) {
    found.push({ code: 'replication-not-permitted', detail: `${src.username} may not replicate: ${refused.join('; ')} — grant it REPLICATION (RDS: rds_replication) and a pg_hba.conf line for its connections` });
  }
  return { blockers: found, notices };
}

/** The bootstrap database's session: the server as a whole. `replication`: probe it (not for method dump). */
export async function sourceServerFacts(src: MigrationSource, ca: string, replication: boolean): Promise<SourceServer | { error: PgError }> {
  const c = await session(src, ca, src.dbname);
  if ('error' in c) return c;
  try {
    const [s] = await rows<{ num: number; version: string; superuser: boolean; wal_level: string; free_slots: number; free_senders: number; keep: string | null }>(c,
      `SELECT current_setting('server_version_num')::int AS num, current_setting('server_version') AS version,
              (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser, current_setting('wal_level') AS wal_level,
              current_setting('max_replication_slots')::int - (SELECT count(*)::int FROM pg_replication_slots) AS free_slots,
              current_setting('max_wal_senders')::int - (SELECT count(*)::int FROM pg_stat_replication) AS free_senders,
              current_setting('max_slot_wal_keep_size', true) AS keep`);
    if (!s) throw new Error('the source answered no settings');
    const all = await rows<{ datname: string; owner: string; can_connect: boolean; size: number | null }>(c,
      `SELECT datname, pg_get_userbyid(datdba) AS owner, datallowconn AND has_database_privilege(oid, 'CONNECT') AS can_connect,
              CASE WHEN has_database_privilege(oid, 'CONNECT') AND datallowconn THEN pg_database_size(oid)::float8 END AS size
         FROM pg_database ORDER BY datname`);
    const notices: Finding[] = [];
    if (!s.superuser) notices.push({ code: 'roles-without-passwords', notice: true, detail: 'only a superuser reads role passwords: roles are made without them — set them on the target' });
    const mighty = await rows<{ rolname: string }>(c,
      "SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' AND rolname <> 'postgres' AND (rolsuper OR rolreplication OR rolbypassrls OR rolcreaterole) ORDER BY 1");
    if (mighty.length) {
      notices.push({ code: 'role-attributes-dropped', notice: true, detail: `made on the target without SUPERUSER, REPLICATION, BYPASSRLS and CREATEROLE: ${mighty.map((r) => r.rolname).join(', ')}` });
    }
    const probe = replication ? await replicationProbe(c, src, ca, s.wal_level) : { blockers: [], notices: [] };
    if (replication && s.keep !== null && s.keep !== '-1') {
      notices.push({ code: 'slot-wal-limit', notice: true, detail: `max_slot_wal_keep_size is ${s.keep} on the source: a replication that falls that far behind loses its slot and fails` });
    }
    return {
      version: /^\d+(\.\d+)?/.exec(s.version)?.[0] ?? s.version,
      major: Math.floor(s.num / 10000),
      superuser: s.superuser,
      databases: all.map((d) => ({ datname: d.datname, owner: d.owner, canConnect: d.can_connect, size: d.size })),
      allDatabases: all.map((d) => d.datname),
      freeSlots: s.free_slots,
      freeSenders: s.free_senders,
      replication: probe.blockers,
      notices: [...notices, ...probe.notices],
    };
  } finally {
    await c.end().catch(() => undefined);
  }
}

export interface SourceDatabase {
  datname: string;
  /** Tables and sequences this user cannot SELECT (or whose schema it cannot use), first 11. */
  unreadable: string[];
  extensions: { name: string; version: string }[];
  /** Functions in a language with NOT lanpltrusted that no extension owns, first 11. */
  untrustedFunctions: string[];
  eventTriggers: number;
  withoutIdentity: string[];
  notOwned: string[];
  largeObjects: boolean;
  unlogged: string[];
  sequences: number;
}

/** A relation of the user's: not a catalog, not temporary, not an extension's. */
const USER_RELATION = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast' AND c.relpersistence <> 't'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`;
const relations = (where: string, limit = 11) =>
  `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE ${USER_RELATION} AND ${where} ORDER BY 1 LIMIT ${limit}`;

/** One source database's facts; `replication`: what replication cannot carry, too. */
export async function sourceDatabaseFacts(src: MigrationSource, ca: string, datname: string, opts: { replication: boolean; superuser: boolean }): Promise<SourceDatabase | { error: PgError }> {
  const c = await session(src, ca, datname);
  if ('error' in c) return c;
  const names = async (sql: string) => (await rows<{ name: string }>(c, sql)).map((r) => r.name);
  try {
    const unreadable = await names(relations("c.relkind IN ('r', 'p', 'S') AND NOT (has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT'))"));
    const extensions = (await rows<{ name: string; version: string }>(c, "SELECT extname AS name, extversion AS version FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1"));
    const untrustedFunctions = (await rows<{ name: string; lanname: string }>(c,
      `SELECT format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) AS name, l.lanname
         FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE NOT l.lanpltrusted AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
        ORDER BY 1 LIMIT 11`)).map((r) => `${r.name} (LANGUAGE ${r.lanname})`);
    const [counts] = await rows<{ event_triggers: number; sequences: number; large_objects: boolean }>(c,
      `SELECT (SELECT count(*)::int FROM pg_event_trigger) AS event_triggers,
              (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_RELATION} AND c.relkind = 'S') AS sequences,
              EXISTS (SELECT 1 FROM pg_largeobject_metadata) AS large_objects`);
    const facts: SourceDatabase = {
      datname, unreadable, extensions, untrustedFunctions, eventTriggers: counts?.event_triggers ?? 0,
      withoutIdentity: [], notOwned: [], largeObjects: false, unlogged: [], sequences: counts?.sequences ?? 0,
    };
    if (!opts.replication) return facts;
    facts.withoutIdentity = await names(relations(`c.relkind = 'r' AND c.relpersistence = 'p' AND (c.relreplident = 'n'
      OR (c.relreplident = 'd' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary))
      OR (c.relreplident = 'i' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident)))`));
    // FOR ALL TABLES needs a superuser; FOR TABLE, the tables' owner
    if (!opts.superuser) facts.notOwned = await names(relations("c.relkind IN ('r', 'p') AND c.relpersistence = 'p' AND NOT pg_has_role(c.relowner, 'USAGE')"));
    facts.largeObjects = counts?.large_objects ?? false;
    facts.unlogged = await names(relations("c.relkind IN ('r', 'p') AND c.relpersistence = 'u'"));
    return facts;
  } finally {
    await c.end().catch(() => undefined);
  }
}
