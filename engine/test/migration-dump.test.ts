// Migration by dump through the API, from real servers: a PostgreSQL 13 and an
// 18 source (plain clusters, as a user's own would be) into an 18 service.
// Rows, sequences, owners and the source roles' passwords arrive; ignore-dbs is
// honoured; a source killed in the middle of the copy fails the migration with
// the reason, and a retry starts over with no duplicated rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operation } from '@/lib/schemas/operation';
import type { MigrationStatusView } from '@/lib/schemas/migration';
import { queryAs, type TestEngine } from './harness';
import { until } from './engine-process';
import { Fixtures } from './fixtures';
import { startSource, type SourceCluster } from './source-cluster';

const f = new Fixtures();
let t: TestEngine;
let dir: string;
beforeAll(async () => {
  dir = f.newDataDir();
  t = await f.engineOn();
});
afterAll(() => f.cleanup(), 300_000);

const APP_PASSWORD = "app's source secret";

/** Two databases, a role with a password that owns the tables, a sequence, a view, a function, hstore. */
async function seed(src: SourceCluster, rows: number, dbs = ['shop', 'reports']): Promise<void> {
  await src.query(`CREATE ROLE app LOGIN PASSWORD 'app''s source secret'`);
  for (const db of dbs) await src.query(`CREATE DATABASE ${db} OWNER app`);
  const [shop, reports] = dbs as [string, string];
  await src.query('CREATE EXTENSION hstore', [], shop);
  await src.query(`SET ROLE app;
    CREATE SEQUENCE order_no START 1000;
    CREATE TABLE orders (id int PRIMARY KEY, no int NOT NULL DEFAULT nextval('order_no'), note text, tags hstore);
    INSERT INTO orders (id, note, tags) SELECT g, repeat('x', 40), hstore('k', g::text) FROM generate_series(1, ${rows}) g;
    CREATE VIEW big_orders AS SELECT id FROM orders WHERE id > ${rows - 10};
    CREATE FUNCTION order_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM orders';`, [], shop);
  // owned by the source's superuser, which is not migrated: the target's admin gets it; its default privileges stay behind
  await src.query('CREATE TABLE audit (id int PRIMARY KEY); INSERT INTO audit VALUES (1), (2)', [], shop);
  await src.query('ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT SELECT ON TABLES TO app', [], shop);
  // the database's own privileges and settings, which pg_dump leaves to --create
  await src.query(`REVOKE TEMPORARY ON DATABASE ${shop} FROM PUBLIC; ALTER DATABASE ${shop} SET statement_timeout = '41s'; ALTER ROLE app IN DATABASE ${shop} SET search_path = app_schema, public`);
  await src.query('SET ROLE app; CREATE TABLE monthly (month int PRIMARY KEY); INSERT INTO monthly VALUES (1), (2), (3)', [], reports);
}

async function migrate(service: string, body: Record<string, unknown>): Promise<Operation> {
  const res = await t.call<Operation>('PUT', `/dbaas-postgres/${service}`, { migration: body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return t.waitOperation(res.body.id, 300_000);
}

const status = async (service: string) => (await t.call<MigrationStatusView>('GET', `/dbaas-migration-status/${service}`)).body;

describe('migration by dump', () => {
  let src13: SourceCluster;
  let src18: SourceCluster;
  beforeAll(async () => {
    [src13, src18] = await Promise.all([startSource(dir, { major: '13' }), startSource(dir, { major: '18', ssl: true })]);
    await Promise.all([seed(src13, 50_000), seed(src18, 20_000, ['inventory', 'archive'])]);
    await t.createService('dump-into', { version: '18' });
  }, 240_000);

  it('copies a 13 server: rows, sequences, owners, roles with their passwords; ignore-dbs honoured', async () => {
    const op = await migrate('dump-into', {
      host: src13.host, port: src13.port, username: 'postgres', password: src13.password, ssl: false, method: 'dump', 'ignore-dbs': 'reports',
    });
    expect(op, JSON.stringify(op)).toMatchObject({ state: 'success' });
    expect(op.message).toMatch(/migrated 1 database\(s\) by dump/);
    const s = await status('dump-into');
    expect(s).toMatchObject({ status: 'done', method: 'dump', details: [{ dbname: 'shop', method: 'dump', status: 'done', 'pgdeck-tables-total': 2, 'pgdeck-tables-done': 2 }] });
    expect(JSON.stringify(s)).not.toContain(src13.password);
    const svc = await t.getService('dump-into');
    const dbs = (await t.getService('dump-into')).databases ?? [];
    expect(dbs).toContain('shop');
    expect(dbs).not.toContain('reports');
    expect(await queryAs(t, svc, "SELECT count(*)::int AS n, sum(id)::text AS s, max(tags -> 'k') FILTER (WHERE id = 777) AS k, order_count()::int AS c FROM orders", { database: 'shop' }))
      .toEqual([{ n: 50_000, s: String((50_000 * 50_001) / 2), k: '777', c: 50_000 }]);
    // the role logs in over TLS with its source password, and owns its tables; the superuser's table is the admin's
    expect(await queryAs(t, svc, "SELECT nextval('order_no')::int AS next, (SELECT tableowner FROM pg_tables WHERE tablename = 'orders') AS owner, (SELECT tableowner FROM pg_tables WHERE tablename = 'audit') AS audit",
      { user: 'app', password: APP_PASSWORD, database: 'shop' })).toEqual([{ next: 1000 + 50_000, owner: 'app', audit: svc['uri-params']?.user }]);
    expect(await queryAs(t, svc, 'SELECT count(*)::int AS n FROM big_orders', { database: 'shop' })).toEqual([{ n: 10 }]);
    expect(await queryAs(t, svc, "SELECT current_setting('statement_timeout') AS st, current_setting('search_path') AS sp, has_database_privilege('public', 'shop', 'TEMPORARY') AS temp",
      { user: 'app', password: APP_PASSWORD, database: 'shop' })).toEqual([{ st: '41s', sp: 'app_schema, public', temp: false }]);
  });

  it('copies an 18 server over TLS checked against its CA, as a new attempt beside the first', async () => {
    const op = await migrate('dump-into', {
      host: src18.host, port: src18.port, username: 'postgres', password: src18.password, ssl: true, 'pgdeck-ca-certificate': src18.caPem, method: 'dump',
    });
    expect(op, JSON.stringify(op)).toMatchObject({ state: 'success' });
    expect((await status('dump-into')).details.map((d) => [d.dbname, d.status])).toEqual([['archive', 'done'], ['inventory', 'done']]);
    const svc = await t.getService('dump-into');
    expect(await queryAs(t, svc, 'SELECT count(*)::int AS n FROM orders', { database: 'inventory' })).toEqual([{ n: 20_000 }]);
    // the first migration's database is untouched
    expect(await queryAs(t, svc, 'SELECT count(*)::int AS n FROM orders', { database: 'shop' })).toEqual([{ n: 50_000 }]);
  });

  it('a source whose certificate is not trusted is refused before anything is copied', async () => {
    const op = await migrate('dump-into', { host: src18.host, port: src18.port, username: 'postgres', password: src18.password, ssl: true, method: 'dump' });
    expect(op.state).toBe('failure');
    expect(op.message).toMatch(/tls-not-trusted/);
    expect((await status('dump-into')).status).toBe('failed');
  });

  it('fails with the reason when the source dies mid-copy, then a retry starts over with no duplicated rows', async () => {
    const src = await startSource(dir, { major: '18' });
    await src.query('CREATE DATABASE big');
    await src.query("CREATE TABLE t (id int PRIMARY KEY, pad text); INSERT INTO t SELECT g, repeat('p', 100) FROM generate_series(1, 500000) g", [], 'big');
    await t.createService('dump-crash', { version: '18' });
    const res = await t.call<Operation>('PUT', '/dbaas-postgres/dump-crash', {
      migration: { host: src.host, port: src.port, username: 'postgres', password: src.password, ssl: false, method: 'dump' },
    });
    expect(res.status).toBe(200);
    // rows arriving show as bytes loaded of the source's
    const loading = await until('rows loading', async () => {
      const d = (await status('dump-crash')).details[0];
      return d?.['pgdeck-phase'] === 'data' && (d['pgdeck-bytes-done'] ?? 0) > 0 ? d : null;
    }, 120_000, 50);
    expect(loading['pgdeck-bytes-done']).toBeLessThanOrEqual(loading['pgdeck-bytes-total'] ?? 0);
    await src.kill();
    const op = await t.waitOperation(res.body.id, 120_000);
    expect(op.state).toBe('failure');
    const failed = await status('dump-crash');
    expect(failed).toMatchObject({ status: 'failed', details: [{ dbname: 'big', status: 'failed' }] });
    expect(failed.details[0]?.error).toBeTruthy();
    // no password is kept once it failed with nothing left on the source
    expect(t.engine.migrations.get('dump-crash')?.passwordSealed).toBeNull();

    await src.start();
    const retry = await migrate('dump-crash', { host: src.host, port: src.port, username: 'postgres', password: src.password, ssl: false, method: 'dump' });
    expect(retry, JSON.stringify(retry)).toMatchObject({ state: 'success' });
    const svc = await t.getService('dump-crash');
    expect(await queryAs(t, svc, 'SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM t', { database: 'big' })).toEqual([{ n: 500_000, d: 500_000 }]);
  }, 300_000);
});
