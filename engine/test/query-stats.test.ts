// Query statistics (issue 14): an extension under /v2/pgdeck, listed by GET /v2/pgdeck; the top statements of a
// real workload from pg_stat_statements, which every node preloads, without the engine's own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operation } from '@/lib/schemas/operation';
import type { QueryStats } from '@/lib/schemas/query-stats';
import { connect, queryAs, type TestEngine } from './harness';
import { Fixtures } from './fixtures';

const f = new Fixtures();
let t: TestEngine;
beforeAll(async () => {
  t = await f.engineOn();
}, 120_000);
afterAll(() => f.cleanup(), 300_000);

describe('query statistics', () => {
  it('lists the service workload top statements by calls, rows and time, and pg_stat_statements.track is a setting', async () => {
    expect((await t.call<{ extensions: string[] }>('GET', '/pgdeck')).body).toEqual({ extensions: ['query-statistics', 'plan-changes'] });
    const svc = await t.createService('qs', { version: '16' });
    const client = await connect(t, svc);
    try {
      await client.query('CREATE TABLE t (id int, v text)');
      for (let i = 0; i < 120; i++) await client.query('INSERT INTO t VALUES ($1, $2)', [i, `v${i}`]);
      for (let i = 0; i < 5; i++) await client.query('SELECT * FROM t WHERE id >= $1', [0]);
    } finally {
      await client.end();
    }
    const byCalls = await t.call<QueryStats>('POST', '/pgdeck/dbaas-postgres/qs/query-statistics', { 'order-by': 'calls', limit: 5 });
    expect(byCalls.status, JSON.stringify(byCalls.body)).toBe(200);
    const top = byCalls.body['query-statistics'][0];
    expect(top).toMatchObject({ query: 'INSERT INTO t VALUES ($1, $2)', database: 'defaultdb', user: svc['uri-params']?.user, calls: 120, rows: 120 });
    expect(top?.['total-time-ms']).toBeGreaterThan(0);
    const byRows = await t.call<QueryStats>('POST', '/pgdeck/dbaas-postgres/qs/query-statistics', { 'order-by': 'rows', limit: 1 });
    expect(byRows.body['query-statistics'][0]).toMatchObject({ query: 'SELECT * FROM t WHERE id >= $1', calls: 5, rows: 600 });
    // the engine's own statements (as its superuser) are not the service's
    const all = await t.call<QueryStats>('POST', '/pgdeck/dbaas-postgres/qs/query-statistics', { limit: 100 });
    expect(all.body['query-statistics'].every((s) => s.user !== 'postgres')).toBe(true);
    expect(Date.parse(all.body.since ?? '')).not.toBeNaN();

    const put = await t.call<Operation>('PUT', '/dbaas-postgres/qs', { 'pg-settings': { 'pg_stat_statements.track': 'top' } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await t.waitOperation(put.body.id)).state).toBe('success');
    expect(await queryAs(t, await t.getService('qs'), "SELECT current_setting('pg_stat_statements.track') AS track")).toEqual([{ track: 'top' }]);
  });

  it('refuses a bad order or limit naming the field, and an unknown service', async () => {
    for (const [body, field] of [[{ 'order-by': 'size' }, 'order-by'], [{ limit: 101 }, 'limit']] as const) {
      const res = await t.call<{ field?: string }>('POST', '/pgdeck/dbaas-postgres/qs/query-statistics', body);
      expect([res.status, res.body.field]).toEqual([400, field]);
    }
    expect((await t.call('POST', '/pgdeck/dbaas-postgres/nope/query-statistics', {})).status).toBe(404);
  });
});
