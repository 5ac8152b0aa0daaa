// Rebuilding the old master after a failover (issue 13, design §6): where a
// pg_rewind of the service's major is installed (15 from Debian, 17 and 18 from
// pg-tools) the fenced directory is rewound onto the new master, else copied
// afresh (16: no tool). Either way the node comes back a standby that replays
// what the new master commits and refuses writes.
import { afterAll, describe, expect, it } from 'vitest';
import type { Operation } from '@/lib/schemas/operation';
import type { ServicePg } from '@/lib/schemas/service';
import { queryAs } from './harness';
import { until } from './engine-process';
import { Fixtures } from './fixtures';

const f = new Fixtures();
afterAll(() => f.cleanup(), 300_000);

describe('the old master after a failover', () => {
  // 18 (rewind) is ha-failover.test.ts's case, 16 (copy) ha-failover-copy.test.ts's: here the Debian-built tool
  it.each([
    ['15', 'rewind'],
  ])('on %s is rebuilt by %s as a standby of the new master', async (version, rebuild) => {
    const t = await f.engineOn();
    const name = `rw${version}`;
    const res = await t.call<Operation>('POST', `/dbaas-postgres/${name}`, {
      plan: 'business-4', version, 'pglookout-settings': { max_failover_replication_time_lag: 10 },
    });
    expect((await t.waitOperation(res.body.id, 180_000)).state).toBe('success');
    const svc = await t.getService(name);
    await queryAs(t, svc, 'CREATE TABLE r (id int PRIMARY KEY, phase text); INSERT INTO r SELECT g, \'before\' FROM generate_series(1, 1000) g');

    // the master hangs for the window: fenced, its standby promoted
    const record = t.engine.services.get(name)!;
    const master = t.engine.nodes.master(name)!;
    process.kill(t.engine.runtime.pid(t.engine.nodeRoot(record, master))!, 'SIGSTOP');
    await until('a failover', async () => (await t.getService(name)).notifications?.some((n) => n.type === 'service_failover'), 60_000, 200);
    expect(t.engine.nodes.master(name)?.name).toBe(`${name}-2`);
    // written on the new master, through the same URI, after the old one diverged
    await until('a write through the URI', () => queryAs(t, svc, 'INSERT INTO r SELECT g, \'after\' FROM generate_series(1001, 1100) g').then(() => true, () => false), 30_000, 250);

    const rebuilt = await until(`${name}-1 to run as a standby`, async () => {
      const s = await t.getService(name);
      const n = s['node-states']?.find((x) => x.name === `${name}-1`);
      return n?.role === 'standby' && n.state === 'running' && s;
    }, 240_000, 250);
    const row = rebuilt['pgdeck-failovers']?.[0];
    expect(row).toMatchObject({ from: `${name}-1`, to: `${name}-2`, state: 'done', rebuild });
    console.log(`${name}: rebuilt by ${rebuild} in ${row?.['phases-ms']?.rebuild} ms (phases ${JSON.stringify(row?.['phases-ms'])})`);
    expect(rebuilt.notifications?.find((n) => n.type === 'service_standby_rebuilt')?.metadata).toMatchObject({ rebuild });

    // the rewound node replays the new master's commits, and refuses writes of its own
    const port = rebuilt['node-states']?.find((x) => x.name === `${name}-1`)?.['pgdeck-port'];
    const standby = { ...svc, 'uri-params': { ...svc['uri-params'], port: String(port) } } as ServicePg;
    await until('the new master\'s rows on the old master', async () => {
      const rows = await queryAs(t, standby, 'SELECT count(*)::int AS n FROM r').catch(() => []);
      return rows[0]?.n === 1100;
    }, 30_000, 250);
    const refused = await queryAs(t, standby, 'INSERT INTO r VALUES (0, \'refused\')').catch((err: { code?: string }) => err);
    expect((refused as { code?: string }).code).toBe('25006');
    await f.stopEngine(t);
  }, 420_000);
});
