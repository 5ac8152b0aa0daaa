// Migrations across engine crashes. An engine killed while pg_dump | pg_restore
// stream rows: the next start kills what it left running and fails the
// migration with the reason, and a retry copies everything once. An engine
// that goes away while a replication is syncing: the subscription keeps
// copying without it, the next engine follows it (and the source restarting
// under it too), and stop cuts over.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MigrationStatusView } from '@/lib/schemas/migration';
import type { Operation } from '@/lib/schemas/operation';
import type { ServicePg } from '@/lib/schemas/service';
import { processesUnder, until } from './engine-process';
import { Fixtures } from './fixtures';
import { queryAs, type TestEngine } from './harness';
import { startSource, type SourceCluster } from './source-cluster';

const f = new Fixtures();
afterAll(() => f.cleanup(), 300_000);

let dir: string;
beforeAll(() => {
  dir = f.newDataDir();
});

const sourceBody = (src: SourceCluster, method: string) => ({ migration: { host: src.host, port: src.port, username: 'postgres', password: src.password, ssl: false, method } });

describe('migrations across engine crashes', () => {
  it('an engine killed mid-dump: the next start kills pg_dump and pg_restore and fails it; a retry copies every row once', async () => {
    const src = await startSource(dir, { major: '18' });
    await src.query('CREATE DATABASE big');
    await src.query("CREATE TABLE a (id int PRIMARY KEY); INSERT INTO a VALUES (1); CREATE TABLE t (id int PRIMARY KEY, pad text); INSERT INTO t SELECT g, repeat('p', 100) FROM generate_series(1, 100000) g", [], 'big');
    const dataDir = f.newDataDir();
    const e = await f.engineProcess(dataDir, 47500 + Math.floor(Math.random() * 20) * 10, { PGDECK_CRASH_AT: 'migration:copying' });
    const created = await e.call<Operation>('POST', '/dbaas-postgres/cut', { plan: 'hobbyist-2', version: '18' });
    expect((await e.waitOperation(created.body.id)).state).toBe('success');
    const put = await e.call<Operation>('PUT', '/dbaas-postgres/cut', sourceBody(src, 'dump'));
    expect(put.status).toBe(200);
    expect((await e.exited).signal).toBe('SIGKILL');
    f.forget(e);

    const t: TestEngine = await f.engineOn(dataDir);
    const svc = t.engine.services.get('cut');
    if (!svc) throw new Error('the service is gone');
    // nothing of the cut-off copy runs on
    expect(processesUnder(join(t.engine.serviceRoot(svc), 'migration'))).toEqual([]);
    expect((await t.call<Operation>('GET', `/operation/${put.body.id}`)).body).toMatchObject({ state: 'failure', reason: 'interrupted' });
    const failed = (await t.call<MigrationStatusView>('GET', '/dbaas-migration-status/cut')).body;
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(/engine restart/) });
    expect(t.engine.migrations.get('cut')?.passwordSealed).toBeNull();

    const retry = await t.call<Operation>('PUT', '/dbaas-postgres/cut', sourceBody(src, 'dump'));
    expect(retry.status, JSON.stringify(retry.body)).toBe(200);
    expect(await t.waitOperation(retry.body.id, 180_000)).toMatchObject({ state: 'success' });
    const service = await t.getService('cut');
    expect(await queryAs(t, service, 'SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM t', { database: 'big' })).toEqual([{ n: 100_000, d: 100_000 }]);
  }, 400_000);

  it('an engine gone while a replication syncs: the next one follows it, and stop cuts over', async () => {
    const src = await startSource(dir, { major: '18' });
    await src.query('CREATE DATABASE shop');
    await src.query('CREATE TABLE orders (id bigserial PRIMARY KEY, note text); INSERT INTO orders (note) SELECT g::text FROM generate_series(1, 10000) g', [], 'shop');
    const dataDir = f.newDataDir();
    const t1 = await f.engineOn(dataDir);
    await t1.createService('sync', { version: '18' });
    const put = await t1.call<Operation>('PUT', '/dbaas-postgres/sync', sourceBody(src, 'replication'));
    expect(await t1.waitOperation(put.body.id, 180_000)).toMatchObject({ state: 'success' });
    await f.abandon(t1);

    // written while no engine runs: the subscription does not need one
    await src.query("INSERT INTO orders (note) SELECT 'while away' FROM generate_series(1, 100)", [], 'shop');
    const t2 = await f.engineOn(dataDir);
    expect((await t2.call<MigrationStatusView>('GET', '/dbaas-migration-status/sync')).body).toMatchObject({ status: 'syncing' });
    const svc: ServicePg = await t2.getService('sync');
    const ca = { engine: { ca: { cert: readFileSync(join(dataDir, 'ca', 'ca.crt'), 'utf8') } } } as Pick<TestEngine, 'engine'>;
    await until('the rows written while away', async () => (await queryAs(ca, svc, "SELECT count(*)::int AS n FROM orders WHERE note = 'while away'", { database: 'shop' }))[0]?.n === 100, 30_000, 250);
    // the source restarts while syncing (a reboot, a failover on its side): the migration waits for it and goes on
    await src.stop();
    await new Promise((r) => setTimeout(r, 3000));
    await src.start();
    await src.query("INSERT INTO orders (note) SELECT 'after the reboot' FROM generate_series(1, 10)", [], 'shop');
    await until('the rows written after the source restarted', async () => (await queryAs(ca, svc, "SELECT count(*)::int AS n FROM orders WHERE note = 'after the reboot'", { database: 'shop' }))[0]?.n === 10, 60_000, 250);
    expect((await t2.call<MigrationStatusView>('GET', '/dbaas-migration-status/sync')).body).toMatchObject({ status: 'syncing' });
    const stop = await t2.call<Operation>('POST', '/dbaas-postgres/sync/migration/stop');
    expect(await t2.waitOperation(stop.body.id, 120_000)).toMatchObject({ state: 'success' });
    expect((await src.query("SELECT count(*)::int AS n FROM pg_replication_slots WHERE slot_name LIKE 'pgdeck%'"))[0]?.n).toBe(0);
  }, 400_000);
});
