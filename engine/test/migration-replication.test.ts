// Migration by logical replication through the API, from real servers into an
// 18 service: the copy, then rows written on the source while syncing appear on
// the target; stop cuts over (caught up, sequences set, no subscription left
// here, no slot or publication left on the source, the target writable). The
// automatic method replicates what it can and dumps a database with a keyless
// table. A service deleted while syncing drops its slot on the source. The
// source password appears in no answer, no log and no file.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Operation } from '@/lib/schemas/operation';
import type { MigrationStatusView } from '@/lib/schemas/migration';
import { queryAs, type TestEngine } from './harness';
import { until } from './engine-process';
import { Fixtures } from './fixtures';
import { startSource, type SourceCluster } from './source-cluster';

const f = new Fixtures();
let t: TestEngine;
let dir: string;
const bodies: string[] = [];
beforeAll(async () => {
  dir = f.newDataDir();
  t = await f.engineOn();
  // every answer the engine gives in this file is kept, to look for the password in
  const call = t.call.bind(t);
  t.call = (async (method: string, path: string, body?: unknown, creds?: Parameters<TestEngine['call']>[3]) => {
    const res = await call(method, path, body, creds);
    bodies.push(JSON.stringify(res.body));
    return res;
  }) as TestEngine['call'];
});
afterAll(() => f.cleanup(), 300_000);

const status = async (service: string) => (await t.call<MigrationStatusView>('GET', `/dbaas-migration-status/${service}`)).body;

async function seed(src: SourceCluster, db: string, rows: number): Promise<void> {
  await src.query(`CREATE DATABASE ${db}`);
  await src.query(`CREATE SEQUENCE order_no;
    CREATE TABLE orders (id bigint PRIMARY KEY DEFAULT nextval('order_no'), note text);
    INSERT INTO orders (note) SELECT 'n' || g FROM generate_series(1, ${rows}) g;`, [], db);
}

async function start(service: string, src: SourceCluster, password: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await t.call<Operation>('PUT', `/dbaas-postgres/${service}`, {
    migration: { host: src.host, port: src.port, username: 'postgres', password, ssl: false, ...extra },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.id;
}

const sourceObjects = async (src: SourceCluster, db: string) => ({
  slots: (await src.query<{ slot_name: string }>("SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE 'pgdeck%'")).map((r) => r.slot_name),
  publications: (await src.query<{ pubname: string }>("SELECT pubname FROM pg_publication WHERE pubname LIKE 'pgdeck%'", [], db)).map((r) => r.pubname),
});

describe('migration by logical replication', () => {
  let src18: SourceCluster;
  let src13: SourceCluster;
  // a password nothing else contains, to look for everywhere
  const marker = `mig${Math.random().toString(16).slice(2, 14)}pw`;
  beforeAll(async () => {
    [src18, src13] = await Promise.all([startSource(dir, { major: '18' }), startSource(dir, { major: '13' })]);
    await src18.query(`ALTER ROLE postgres PASSWORD '${marker}'`);
    src18.spec.password = marker;
    await Promise.all([seed(src18, 'shop', 100_000), seed(src13, 'ledger', 20_000)]);
    // a keyless table: its database cannot replicate (the source's own updates would fail), so auto dumps it
    await src13.query('CREATE DATABASE logs');
    await src13.query('CREATE TABLE lines (at timestamptz, line text); INSERT INTO lines SELECT now(), g::text FROM generate_series(1, 100) g', [], 'logs');
    await Promise.all([t.createService('repl-into', { version: '18' }), t.createService('repl-auto', { version: '18' })]);
  }, 240_000);

  it('copies, keeps in sync, and cuts over from an 18 server', async () => {
    const id = await start('repl-into', src18, marker, { method: 'replication' });
    const op = await t.waitOperation(id, 300_000);
    expect(op, JSON.stringify(op)).toMatchObject({ state: 'success' });
    expect(await status('repl-into')).toMatchObject({ status: 'syncing', method: 'replication', details: [{ dbname: 'shop', status: 'syncing', 'pgdeck-phase': 'streaming' }] });
    const svc = await t.getService('repl-into');
    expect(await queryAs(t, svc, 'SELECT count(*)::int AS n FROM orders', { database: 'shop' })).toEqual([{ n: 100_000 }]);

    // written on the source while syncing: inserts, an update, a delete
    await src18.query("INSERT INTO orders (note) SELECT 'late' FROM generate_series(1, 500); UPDATE orders SET note = 'changed' WHERE id = 7; DELETE FROM orders WHERE id = 8", [], 'shop');
    await until('the late rows on the target', async () => {
      const [r] = await queryAs(t, svc, "SELECT count(*) FILTER (WHERE note = 'late')::int AS late, count(*) FILTER (WHERE note = 'changed')::int AS changed, count(*)::int AS n FROM orders", { database: 'shop' });
      return r?.late === 500 && r.changed === 1 && r.n === 100_499;
    }, 30_000, 250);
    await until('a lag figure', async () => typeof (await status('repl-into')).details[0]?.['pgdeck-lag-bytes'] === 'number', 30_000, 500);

    const stop = await t.call<Operation>('POST', '/dbaas-postgres/repl-into/migration/stop');
    expect(stop.status, JSON.stringify(stop.body)).toBe(200);
    const stopped = await t.waitOperation(stop.body.id, 300_000);
    expect(stopped, JSON.stringify(stopped)).toMatchObject({ state: 'success' });
    expect(stopped.message).toMatch(/shop writable/);
    expect(await status('repl-into')).toMatchObject({ status: 'done', details: [{ dbname: 'shop', status: 'done' }] });
    expect(await queryAs(t, svc, 'SELECT count(*)::int AS n FROM pg_subscription', { database: 'shop' })).toEqual([{ n: 0 }]);
    expect(await sourceObjects(src18, 'shop')).toEqual({ slots: [], publications: [] });
    // writable, and the sequence is past the source's rows
    const [max] = await src18.query<{ m: string }>('SELECT max(id)::text AS m FROM orders', [], 'shop');
    const [ins] = await queryAs(t, svc, "INSERT INTO orders (note) VALUES ('on the target') RETURNING id::text", { database: 'shop' });
    expect(BigInt(ins?.id as string)).toBeGreaterThan(BigInt(max?.m ?? '0'));
    // the password is forgotten
    expect(t.engine.migrations.get('repl-into')?.passwordSealed).toBeNull();
  }, 400_000);

  it('auto: replication where the source allows it, dump for the database with a keyless table, from a 13 server', async () => {
    const id = await start('repl-auto', src13, src13.password);
    const op = await t.waitOperation(id, 300_000);
    expect(op, JSON.stringify(op)).toMatchObject({ state: 'success' });
    const s = await status('repl-auto');
    expect(s.method).toBe('');
    expect(s.details.map((d) => [d.dbname, d.method, d.status])).toEqual([['ledger', 'replication', 'syncing'], ['logs', 'dump', 'done']]);
    const svc = await t.getService('repl-auto');
    await src13.query("INSERT INTO orders (note) VALUES ('after')", [], 'ledger');
    await until('the new row', async () => (await queryAs(t, svc, "SELECT count(*)::int AS n FROM orders WHERE note = 'after'", { database: 'ledger' }))[0]?.n === 1, 30_000, 250);
    expect(await queryAs(t, svc, 'SELECT count(*)::int AS n FROM lines', { database: 'logs' })).toEqual([{ n: 100 }]);

    // deleted while syncing: nothing of ours stays on the source
    const del = await t.call<Operation>('DELETE', '/dbaas-postgres/repl-auto');
    expect(del.status).toBe(200);
    await t.waitOperation(del.body.id, 120_000);
    expect(await sourceObjects(src13, 'ledger')).toEqual({ slots: [], publications: [] });
  }, 400_000);

  it('a source killed during the initial copy fails it once the grace is over; a retry copies every row once', async () => {
    vi.stubEnv('PGDECK_MIGRATION_SOURCE_GRACE_MS', '2000');
    const src = await startSource(dir, { major: '18' });
    await src.query('CREATE DATABASE big');
    await src.query('CREATE TABLE t (id int PRIMARY KEY, n int); INSERT INTO t SELECT g, g FROM generate_series(1, 1000000) g', [], 'big');
    await t.createService('repl-kill', { version: '18' });
    const id = await start('repl-kill', src, src.password, { method: 'replication' });
    await until('the initial copy', async () => (await status('repl-kill')).details[0]?.['pgdeck-phase'] === 'copy', 120_000, 50);
    await src.kill();
    const op = await t.waitOperation(id, 120_000);
    expect(op.state).toBe('failure');
    expect(op.message).toMatch(/unreachable/);
    expect(await status('repl-kill')).toMatchObject({ status: 'failed', details: [{ dbname: 'big', status: 'failed' }] });
    vi.unstubAllEnvs();

    await src.start();
    // the retry drops what the first attempt left on the source (its slot, publication) with its own credentials
    const retry = await t.waitOperation(await start('repl-kill', src, src.password, { method: 'replication' }), 300_000);
    expect(retry, JSON.stringify(retry)).toMatchObject({ state: 'success' });
    const svc = await t.getService('repl-kill');
    expect(await queryAs(t, svc, 'SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM t', { database: 'big' })).toEqual([{ n: 1_000_000, d: 1_000_000 }]);
    const stop = await t.call<Operation>('POST', '/dbaas-postgres/repl-kill/migration/stop');
    expect(await t.waitOperation(stop.body.id, 120_000)).toMatchObject({ state: 'success' });
    expect((await sourceObjects(src, 'big')).slots).toEqual([]);
  }, 400_000);

  it('the source password is in no answer, no engine log, no file of the engine', () => {
    expect(bodies.length).toBeGreaterThan(5);
    expect(bodies.filter((b) => b.includes(marker))).toEqual([]);
    expect(t.logs.filter((l) => l.includes(marker))).toEqual([]);
    // every file under the data directory, as bytes (engine.db and its WAL, each postgres.log, PgBouncer's logs)
    const found = (() => {
      try {
        return execFileSync('grep', ['-rl', '--binary-files=text', marker, t.dataDir], { encoding: 'utf8' });
      } catch {
        return '';
      }
    })();
    expect(found).toBe('');
  });
});
