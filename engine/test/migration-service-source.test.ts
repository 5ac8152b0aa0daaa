// Another pgdeck service as the source: reached over TLS verified against the
// engine's own CA (verify-full, no certificate to paste), as that service's
// admin, which is not a superuser. Its tables are published one by one (FOR
// TABLE: only a superuser may publish all tables), copied, kept in sync and
// cut over into the second service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MigrationStatusView } from '@/lib/schemas/migration';
import type { Operation } from '@/lib/schemas/operation';
import type { ServicePg } from '@/lib/schemas/service';
import { until } from './engine-process';
import { Fixtures } from './fixtures';
import { queryAs, type TestEngine } from './harness';

const f = new Fixtures();
let t: TestEngine;
beforeAll(async () => {
  t = await f.engineOn();
});
afterAll(() => f.cleanup(), 300_000);

describe('a pgdeck service as the source', () => {
  let source: ServicePg;
  beforeAll(async () => {
    [source] = await Promise.all([t.createService('old-home', { version: '18' }), t.createService('new-home', { version: '18' })]);
    await queryAs(t, source, `CREATE TABLE orders (id bigserial PRIMARY KEY, note text);
      INSERT INTO orders (note) SELECT 'o' || g FROM generate_series(1, 5000) g`);
  }, 240_000);

  it('migrates by replication as its admin, over TLS verified against the engine CA, then cuts over', async () => {
    const p = source['uri-params'] ?? {};
    const check = await t.call<Operation>('POST', '/dbaas-task-migration-check/new-home', {
      'source-service-uri': `postgres://${p.user}:${encodeURIComponent(p.password ?? '')}@${p.host}:${p.port}/${p.dbname}?sslmode=verify-full`,
    });
    expect(check.status, JSON.stringify(check.body)).toBe(200);
    const res = await t.call<Operation>('PUT', '/dbaas-postgres/new-home', {
      migration: { host: p.host, port: Number(p.port), username: p.user, password: p.password, dbname: p.dbname, ssl: true },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const op = await t.waitOperation(res.body.id, 180_000);
    expect(op, JSON.stringify(op)).toMatchObject({ state: 'success' });
    const status = async () => (await t.call<MigrationStatusView>('GET', '/dbaas-migration-status/new-home')).body;
    expect(await status()).toMatchObject({ status: 'syncing', method: 'replication', details: [{ dbname: 'defaultdb', status: 'syncing' }] });

    const target = await t.getService('new-home');
    await queryAs(t, source, "INSERT INTO orders (note) VALUES ('late')");
    await until('the late row', async () => (await queryAs(t, target, "SELECT count(*)::int AS n FROM orders WHERE note = 'late'"))[0]?.n === 1, 30_000, 250);
    const stop = await t.call<Operation>('POST', '/dbaas-postgres/new-home/migration/stop');
    expect(await t.waitOperation(stop.body.id, 120_000)).toMatchObject({ state: 'success' });
    expect(await status()).toMatchObject({ status: 'done' });
    expect(await queryAs(t, target, 'SELECT count(*)::int AS n FROM orders')).toEqual([{ n: 5001 }]);
    expect(await queryAs(t, source, "SELECT count(*)::int AS n FROM pg_replication_slots WHERE slot_name LIKE 'pgdeck%'")).toEqual([{ n: 0 }]);
    // the target's own admin owns what the source's admin owned (same name, the target's own role)
    expect(await queryAs(t, target, "SELECT tableowner FROM pg_tables WHERE tablename = 'orders'")).toEqual([{ tableowner: target['uri-params']?.user }]);
  }, 300_000);
});
