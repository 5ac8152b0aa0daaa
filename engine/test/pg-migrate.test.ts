// The dump method of a migration against real plain clusters (no engine): 13 and 18 sources
// (18 over verify-full TLS) into an 18 target, restored by a non-superuser `admin` that owns
// the target databases, as the engine's service admin would. Roles made by rolesSql, run by
// the target's superuser. Then a source killed while its rows stream.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MigrationSource } from '@/lib/schemas/migration';
import { paths } from '../runtime/instance';
import { readSourceRoles, rolesSql, splitListSetting, type SourceRole } from '../runtime/migrate-roles';
import { connectSource, passfileText, type SourceFiles } from '../runtime/migration-source';
import { copySchema, dumpDatabase, RestoreLog, splitToc, type MigrateOptions } from '../runtime/pg-migrate';
import { lookupUser, processesUnder } from '../runtime/process';
import { migrationTools } from '../runtime/upgrade-tools';
import { startSource, type SourceCluster } from './source-cluster';

const runAs = process.getuid?.() === 0 ? lookupUser(process.env.PGDECK_RUN_AS ?? 'pgdeck') : null;
const dir = mkdtempSync(join(tmpdir(), 'pgdeck-test-'));
chmodSync(dir, 0o711);
const clusters: SourceCluster[] = [];
afterAll(async () => {
  for (const c of clusters) await c.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

const ADMIN_PASSWORD = 'admin-pw';
/** With a `:` and a `\`, which the passfile must escape. */
const APP_PASSWORD = 'app pw:\\ 1';
const ROWS = 200_000;

/** A file the migration's OS user owns, readable by nobody else (libpq refuses a group/world-readable passfile). */
function ownedFile(path: string, text: string): string {
  writeFileSync(path, text, { mode: 0o600 });
  if (runAs) chownSync(path, runAs.uid, runAs.gid);
  return path;
}

function ownedDir(path: string): string {
  mkdirSync(path, { mode: 0o700 });
  if (runAs) chownSync(path, runAs.uid, runAs.gid);
  return path;
}

/** Two databases; a role with a password owning tables, a sequence, a view and a function; hstore; a table of postgres's. */
async function seed(s: SourceCluster, app: string): Promise<void> {
  await s.query(`SET password_encryption = 'scram-sha-256'; CREATE ROLE ${app} LOGIN PASSWORD 'app pw:\\ 1' CONNECTION LIMIT 7`);
  await s.query(`CREATE ROLE ${app}_reader NOLOGIN; GRANT ${app}_reader TO ${app}; GRANT pg_read_all_stats, pg_execute_server_program TO ${app}`);
  await s.query(`ALTER ROLE ${app} SET work_mem = '8MB'; ALTER ROLE ${app} SET search_path = "$user", public; ALTER ROLE ${app} SET log_statement = 'all'`);
  for (const db of ['shop', 'books']) await s.query(`CREATE DATABASE ${db}`);
  // what a user of 15+ must be given to create tables in public (13 gives it to everyone)
  await s.query(`CREATE EXTENSION hstore; CREATE EXTENSION pg_stat_statements; GRANT CREATE ON SCHEMA public TO ${app}`, [], 'shop');
  await s.query(`SET ROLE ${app};
    CREATE TABLE public.items (id bigint PRIMARY KEY, attrs hstore, note text NOT NULL CHECK (note <> ''));
    INSERT INTO public.items SELECT g, hstore('n', g::text), 'note ' || g || repeat('x', 80) FROM generate_series(1, ${ROWS}) g;
    CREATE INDEX items_attrs ON public.items USING gin (attrs);
    CREATE SEQUENCE public.order_seq;
    SELECT nextval('public.order_seq') FROM generate_series(1, 42);
    CREATE VIEW public.big_items AS SELECT id, note FROM public.items WHERE id > ${ROWS - 10};
    CREATE FUNCTION public.item_note(bigint) RETURNS text LANGUAGE sql STABLE AS 'SELECT note FROM public.items WHERE id = $1';
    CREATE MATERIALIZED VIEW public.item_count AS SELECT count(*)::int AS n FROM public.items;
    GRANT SELECT ON public.big_items TO ${app}_reader`, [], 'shop');
  await s.query(`CREATE TABLE public.legacy (id int PRIMARY KEY, label text); INSERT INTO public.legacy SELECT g, 'l' || g FROM generate_series(1, 100) g;
    GRANT SELECT ON public.legacy TO ${app}`, [], 'shop');
  await s.query(`GRANT CREATE ON SCHEMA public TO ${app}; SET ROLE ${app};
    CREATE TABLE public.titles (id int PRIMARY KEY, title text); INSERT INTO public.titles SELECT g, 't' || g FROM generate_series(1, 1000) g`, [], 'books');
}

interface Migration {
  source: SourceCluster;
  src: MigrationSource;
  files: SourceFiles;
  app: string;
}

let target: SourceCluster;
let targetPassfile: string;
let work: string;
let toolsBin: string;

/** A source with its seed, its roles made on the target by rolesSql, and its passfile (and CA bundle) in the work directory. */
async function prepare(major: string, ssl: boolean): Promise<Migration> {
  const source = await startSource(dir, { major, ssl });
  clusters.push(source);
  const app = `app${major}`;
  await seed(source, app);
  const src: MigrationSource = {
    host: source.host, port: source.port, username: 'postgres', password: source.password, dbname: 'postgres',
    sslMode: ssl ? 'verify-full' : 'disable', caPem: source.caPem, ignoreDbs: [], method: 'dump',
  };
  const files = {
    passfile: ownedFile(join(work, `pgpass-${major}`), passfileText(src)),
    caFile: ownedFile(join(work, `ca-${major}.pem`), source.caPem ?? ''),
  };
  const client = await connectSource(src, 'postgres', source.caPem ?? '');
  const roles = await readSourceRoles(client).finally(() => client.end());
  const names = async (sql: string): Promise<Set<string>> => new Set((await target.query<{ n: string }>(sql)).map((r) => r.n));
  const existing = await names('SELECT rolname AS n FROM pg_roles');
  const { statements, created } = rolesSql(roles, {
    admin: 'admin', targetMajor: 18, existing, userSettings: await names("SELECT name AS n FROM pg_settings WHERE context = 'user'"),
    predefined: new Set([...existing].filter((r) => r.startsWith('pg_'))),
  });
  expect(created.sort()).toEqual([app, `${app}_reader`]);
  for (const sql of statements) await target.query(sql);
  return { source, src, files, app };
}

/** A target database owned by the admin, with what the engine would have made in it (pg_stat_statements). */
async function targetDb(name: string): Promise<void> {
  await target.query(`CREATE DATABASE ${name} OWNER admin`);
  await target.query('CREATE EXTENSION pg_stat_statements', [], name);
}

function options(m: Migration, database: string, into: string, extra: Partial<MigrateOptions> = {}): MigrateOptions {
  return {
    src: m.src, files: m.files, database,
    target: { socketDir: paths(target.spec.root).run, port: target.spec.port, user: 'admin', database: into, passfile: targetPassfile },
    toolsBin, runAs, workDir: work, skipExtensions: ['pg_stat_statements'], ...extra,
  };
}

const one = async <R extends pg.QueryResultRow>(c: SourceCluster, db: string, sql: string): Promise<R> => (await c.query<R>(sql, [], db))[0] as R;
const ITEMS = "SELECT count(*)::int AS n, sum(id)::text AS s, sum(hashtext(note || (attrs -> 'n')))::text AS h FROM public.items";
const OWNERS = `SELECT c.relname AS name, pg_get_userbyid(c.relowner) AS owner FROM pg_class c
  WHERE c.relnamespace = 'public'::regnamespace AND c.relname IN ('items', 'order_seq', 'big_items', 'legacy')
  UNION ALL SELECT 'item_note', pg_get_userbyid(proowner) FROM pg_proc WHERE proname = 'item_note' ORDER BY 1`;

beforeAll(async () => {
  work = ownedDir(join(dir, 'migration'));
  const tools = migrationTools('13', '18');
  if (tools.bindir === null) throw new Error(tools.reason);
  toolsBin = tools.bindir;
  target = await startSource(dir, { major: '18' });
  clusters.push(target);
  await target.query(`SET password_encryption = 'scram-sha-256'; CREATE ROLE admin LOGIN CREATEDB PASSWORD '${ADMIN_PASSWORD}'`);
  targetPassfile = ownedFile(join(work, 'target-pgpass'), `*:*:*:admin:${ADMIN_PASSWORD}\n`);
}, 120_000);

describe.each([['13', false], ['18', true]] as const)('dump from %s (TLS: %s) into 18', (major, ssl) => {
  let m: Migration;
  beforeAll(async () => {
    m = await prepare(major, ssl);
  }, 120_000);

  it('copies rows, the sequence, owners and the role, the postgres-owned table left to the admin', async () => {
    const progress: { tablesDone: number; tablesStarted: number; tablesTotal: number }[] = [];
    await targetDb(`shop${major}`);
    const result = await dumpDatabase(options(m, 'shop', `shop${major}`, { onProgress: (p) => progress.push(p) }));
    expect(result.tablesTotal).toBe(2);
    expect(result.ownersReassigned).toBeGreaterThanOrEqual(1);
    expect(progress.at(-1)).toEqual({ tablesDone: 2, tablesStarted: 2, tablesTotal: 2 });
    // a table counts as done once the next one starts, or the copy ends
    expect(progress.map((p) => p.tablesDone)).toEqual([0, 0, 1, 2]);

    const items = await one(m.source, 'shop', ITEMS);
    expect(items.n).toBe(ROWS);
    expect(await one(target, `shop${major}`, ITEMS)).toEqual(items);
    expect(await one(target, `shop${major}`, "SELECT nextval('public.order_seq')::int AS v")).toEqual({ v: 43 });
    const owners = await target.query(OWNERS, [], `shop${major}`);
    expect(owners).toEqual([
      { name: 'big_items', owner: m.app }, { name: 'item_note', owner: m.app }, { name: 'items', owner: m.app },
      { name: 'legacy', owner: 'admin' }, { name: 'order_seq', owner: m.app },
    ]);
    // post-data (the index, the materialized view's rows) and privileges came along
    expect(await one(target, `shop${major}`, 'SELECT n FROM public.item_count')).toEqual({ n: ROWS });
    expect(await one(target, `shop${major}`, "SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = 'items_attrs'")).toEqual({ n: 1 });
    expect(await one(target, `shop${major}`, `SELECT has_table_privilege('${m.app}_reader', 'public.big_items', 'SELECT') AS ok`)).toEqual({ ok: true });

    // the role logs in with its source password (the verifier was copied from a superuser source) and reads what it owns
    const client = new pg.Client({ host: paths(target.spec.root).run, port: target.spec.port, user: m.app, password: APP_PASSWORD, database: `shop${major}` });
    await client.connect();
    try {
      const { rows } = await client.query<{ note: string; n: number; wm: string; sp: string }>(
        `SELECT public.item_note(${ROWS}) AS note, (SELECT count(*)::int FROM public.big_items) AS n, current_setting('work_mem') AS wm, current_setting('search_path') AS sp`);
      expect(rows[0]).toEqual({ note: `note ${ROWS}${'x'.repeat(80)}`, n: 10, wm: '8MB', sp: '"$user", public' });
    } finally {
      await client.end();
    }
    const role = await one(target, 'postgres', `SELECT rolconnlimit AS l, rolsuper AS su, pg_has_role('${m.app}', 'pg_read_all_stats', 'MEMBER') AS stats,
      pg_has_role('${m.app}', 'pg_execute_server_program', 'MEMBER') AS programs, pg_has_role('${m.app}', '${m.app}_reader', 'MEMBER') AS reader FROM pg_roles WHERE rolname = '${m.app}'`);
    expect(role).toEqual({ l: 7, su: false, stats: true, programs: false, reader: true });
  });

  it('copies the second database', async () => {
    await targetDb(`books${major}`);
    const result = await dumpDatabase(options(m, 'books', `books${major}`));
    expect(result).toEqual({ tablesTotal: 1, ownersReassigned: 0 });
    const titles = 'SELECT count(*)::int AS n, sum(id)::int AS s, pg_get_userbyid(relowner) AS owner FROM public.titles, pg_class WHERE oid = \'public.titles\'::regclass GROUP BY relowner';
    expect(await one(target, `books${major}`, titles)).toEqual({ n: 1000, s: 500_500, owner: m.app });
  });

  if (major === '18') {
    it('copies the schema alone (replication), and an abort kills both ends of the pipe', async () => {
      await targetDb('schema_only');
      expect(await copySchema(options(m, 'shop', 'schema_only'))).toEqual({ tablesTotal: 2, ownersReassigned: 1 });
      expect(await one(target, 'schema_only', 'SELECT count(*)::int AS n FROM public.items')).toEqual({ n: 0 });
      expect(await target.query(OWNERS, [], 'schema_only')).toEqual(await target.query(OWNERS, [], 'shop18'));

      await targetDb('aborted');
      const abort = new AbortController();
      const reason = new Error('stopped by request');
      const err = await dumpDatabase(options(m, 'shop', 'aborted', {
        signal: abort.signal,
        onProgress: (p) => {
          if (p.tablesStarted >= 1) abort.abort(reason);
        },
      })).then(() => null, (e: unknown) => e);
      expect(err).toBe(reason);
      expect(processesUnder(work)).toEqual([]);
    });
  }

  if (major === '13') {
    it('fails when the source is killed while its rows stream, naming pg_dump and never the password', async () => {
      await targetDb('killed');
      let killed: Promise<void> | null = null;
      const run = dumpDatabase(options(m, 'shop', 'killed', {
        onProgress: (p) => {
          if (p.tablesStarted >= 1) killed ??= m.source.kill();
        },
      }));
      const err = (await run.then(() => null, (e: unknown) => e)) as Error | null;
      expect(killed).not.toBeNull();
      await killed;
      expect(err?.message).toMatch(/pg_dump/);
      expect(err?.message).not.toContain(m.source.password);
      expect((await one(target, 'killed', 'SELECT count(*)::int AS n FROM public.items')).n).toBeLessThan(ROWS);
    });
  }
});

describe('rolesSql', () => {
  const role = (name: string, over: Partial<SourceRole> = {}): SourceRole => ({
    name, login: true, inherit: true, createdb: false, connLimit: -1, validUntil: null, verifier: null, config: [], memberOf: [], ...over,
  });
  const opts = { admin: 'avnadmin', targetMajor: 18, existing: new Set(['avnadmin', 'old']), userSettings: new Set(['work_mem', 'search_path']),
    predefined: new Set(['pg_monitor', 'pg_read_all_data', 'pg_execute_server_program']) };

  it('never grants power, keeps memberships among migrated and allow-listed roles, settings a user may set', () => {
    const out = rolesSql([
      role('a', { verifier: 'SCRAM-SHA-256$4096:abc', memberOf: ['b', 'old', 'avnadmin', 'pg_monitor', 'pg_execute_server_program', 'pg_maintain'],
        config: ['work_mem=8MB', 'search_path="$user", "a b"', 'shared_buffers=1GB'], validUntil: '2030-01-01 00:00:00+00' }),
      role('b', { verifier: 'md5abc', login: false }),
      role('old'), role('avnadmin'), role('public'),
    ], opts);
    expect(out.created).toEqual(['a', 'b']);
    expect(out.statements).toEqual([
      `CREATE ROLE "a" WITH LOGIN INHERIT NOCREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT -1 VALID UNTIL '2030-01-01 00:00:00+00' PASSWORD 'SCRAM-SHA-256$4096:abc'`,
      'CREATE ROLE "b" WITH NOLOGIN INHERIT NOCREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT -1',
      `ALTER ROLE "a" SET "work_mem" TO '8MB'`,
      `ALTER ROLE "a" SET "search_path" TO '$user', 'a b'`,
      'GRANT "b" TO "a"',
      'GRANT "pg_monitor" TO "a"',
      'GRANT "a" TO "avnadmin" WITH INHERIT TRUE, SET TRUE',
      'GRANT "b" TO "avnadmin" WITH INHERIT TRUE, SET TRUE',
      // a source role the target already has (a service user of that name) is not made again, but its objects go to it
      'GRANT "old" TO "avnadmin" WITH INHERIT TRUE, SET TRUE',
    ]);
    expect(out.notices.map((n) => n.split(':')[0])).toEqual(expect.arrayContaining(['role-password-md5', 'role-setting-skipped', 'role-membership-skipped', 'role-exists']));
    expect(rolesSql([role('c')], { ...opts, targetMajor: 15 }).statements.at(-1)).toBe('GRANT "c" TO "avnadmin"');
    expect(rolesSql([role('c', { verifier: 'plain secret' })], opts).statements.join(' ')).not.toContain('plain secret');
  });

  it('splits list settings as PostgreSQL stores them', () => {
    expect(splitListSetting('"$user", public')).toEqual(['$user', 'public']);
    expect(splitListSetting('"a "" b",c')).toEqual(['a " b', 'c']);
    expect(splitListSetting('')).toEqual([]);
  });
});

describe('restore log', () => {
  it('tolerates only OWNER TO a missing or reserved role', () => {
    const log = new RestoreLog();
    [
      'pg_restore: while PROCESSING TOC:',
      'pg_restore: from TOC entry 215; 1259 16385 TABLE legacy postgres',
      'pg_restore: error: could not execute query: ERROR:  must be able to SET ROLE "postgres"',
      'Command was: ALTER TABLE public.legacy OWNER TO postgres;',
      'pg_restore: from TOC entry 216; 1259 16386 TABLE t gone',
      'pg_restore: error: could not execute query: ERROR:  role "gone "x" does not exist',
      'Command was: ALTER TABLE public.t OWNER TO "gone ""x";',
      'pg_restore: from TOC entry 217; 1259 16387 TABLE u there',
      'pg_restore: error: could not execute query: ERROR:  must be able to SET ROLE "there"',
      'Command was: ALTER TABLE public.u OWNER TO there;',
      'pg_restore: from TOC entry 218; 1255 16388 FUNCTION f() app',
      'pg_restore: error: could not execute query: ERROR:  permission denied for language c',
      'Command was: CREATE FUNCTION public.f() RETURNS integer',
      "    LANGUAGE c AS 'libc.so.6', 'system';",
      'pg_restore: from TOC entry 219; 826 16389 DEFAULT ACL - DEFAULT PRIVILEGES FOR TABLES postgres',
      'pg_restore: error: could not execute query: ERROR:  permission denied to change default privileges',
      'Command was: ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT SELECT ON TABLES TO app;',
      'pg_restore: warning: errors ignored on restore: 5',
    ].forEach(log.line);
    log.end();
    expect(log.ownersReassigned).toBe(2);
    expect(log.tolerated).toBe(3);
    expect(log.errors).toEqual([
      'pg_restore: from TOC entry 217; 1259 16387 TABLE u there\npg_restore: error: could not execute query: ERROR:  must be able to SET ROLE "there"\nCommand was: ALTER TABLE public.u OWNER TO there;',
      'pg_restore: from TOC entry 218; 1255 16388 FUNCTION f() app\npg_restore: error: could not execute query: ERROR:  permission denied for language c\nCommand was: CREATE FUNCTION public.f() RETURNS integer',
    ]);
  });

  it('drops event triggers and the engine-made extensions from the TOC, schemas first', () => {
    const toc = [';', '; Selected TOC Entries:', '7; 2615 16518 SCHEMA - app app', '4072; 0 0 ACL - SCHEMA public pg_database_owner',
      '2; 3079 16390 EXTENSION - hstore ', '3; 3079 16391 EXTENSION - pg_stat_statements ', '4073; 0 0 COMMENT - EXTENSION pg_stat_statements ',
      '221; 1259 16519 TABLE app t app', '300; 3466 16600 EVENT TRIGGER - ddl_log postgres', '301; 0 0 COMMENT - EVENT TRIGGER ddl_log postgres', ''].join('\n');
    expect(splitToc(toc, ['pg_stat_statements'])).toEqual({
      schemas: '7; 2615 16518 SCHEMA - app app\n4072; 0 0 ACL - SCHEMA public pg_database_owner\n',
      rest: '2; 3079 16390 EXTENSION - hstore \n221; 1259 16519 TABLE app t app\n',
    });
  });
});
