// Failover when the master's data directory is gone (issue 13): the postmaster
// lives on but can serve no new session and cannot be restarted, so after the
// window the standby takes over; the old node is copied afresh. Then the relay
// on the service's port enforces the ip-filter itself.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Operation } from '@/lib/schemas/operation';
import { paths } from '../runtime/instance';
import { queryAs } from './harness';
import { until } from './engine-process';
import { Fixtures } from './fixtures';

const f = new Fixtures();
afterAll(() => f.cleanup(), 300_000);

describe('failover of a master whose data directory was removed', () => {
  it('promotes the standby, copies the old node afresh, and the relay enforces the ip-filter', async () => {
    const t = await f.engineOn();
    const res = await t.call<Operation>('POST', '/dbaas-postgres/gone', {
      plan: 'business-4', version: '16', 'pglookout-settings': { max_failover_replication_time_lag: 10 },
    });
    expect((await t.waitOperation(res.body.id, 180_000)).state).toBe('success');
    const svc = await t.getService('gone');
    await queryAs(t, svc, 'CREATE TABLE kept AS SELECT 1 AS id');
    // on the standby before the master goes
    const standbyPort = new URL(svc['connection-info']?.standby?.[0] as string).port;
    const standby = { ...svc, 'uri-params': { ...svc['uri-params'], port: standbyPort } };
    await until('the row on the standby', async () => (await queryAs(t, standby, 'SELECT id FROM kept').catch(() => [])).length === 1);

    const master = t.engine.nodes.master('gone')!;
    rmSync(paths(t.engine.nodeRoot(t.engine.services.get('gone')!, master)).data, { recursive: true, force: true });
    await until('a failover', async () => (await t.getService('gone')).notifications?.some((n) => n.type === 'service_failover'), 90_000, 200);
    const after = await until('the URI to answer', async () => {
      const s = await t.getService('gone');
      return (await queryAs(t, s, 'SELECT id FROM kept').catch(() => [])).length === 1 && s;
    });
    expect(after['uri-params']?.port).toBe(svc['uri-params']?.port);
    expect(t.engine.nodes.master('gone')?.name).toBe('gone-2');
    expect(after['pgdeck-failovers']?.[0]).toMatchObject({ from: 'gone-1', to: 'gone-2' });
    await until('gone-1 back as a standby', async () => {
      const s = await t.getService('gone');
      return s['node-states']?.find((n) => n.name === 'gone-1')?.state === 'running' && s['pgdeck-failovers']?.[0]?.state === 'done';
    }, 180_000, 250);
    expect((await t.getService('gone'))['pgdeck-failovers']?.[0]?.rebuild).toBe('copy');

    // the relay holds the URI's port now: an address outside the ip-filter is turned away before PostgreSQL
    const promoted = () => t.engine.runtime.pid(t.engine.nodeRoot(t.engine.services.get('gone')!, t.engine.nodes.master('gone')!));
    const promotedPid = promoted();
    const narrowed = await t.call<Operation>('PUT', '/dbaas-postgres/gone', { 'ip-filter': ['10.0.0.0/8'] });
    expect(narrowed.status, JSON.stringify(narrowed.body)).toBe(200);
    expect((await t.waitOperation(narrowed.body.id)).state).toBe('success');
    const refused = await until('the relay to refuse 127.0.0.1', async () => {
      const err = await queryAs(t, after, 'SELECT 1').then(() => null, (e: Error) => e);
      return err && err;
    });
    expect(refused.message).toMatch(/terminated|closed|ECONNRESET|Connection terminated/i);
    const widened = await t.call<Operation>('PUT', '/dbaas-postgres/gone', { 'ip-filter': ['0.0.0.0/0', '::/0'] });
    expect((await t.waitOperation(widened.body.id)).state).toBe('success');
    expect(await queryAs(t, after, 'SELECT id FROM kept')).toEqual([{ id: 1 }]);
    // neither change restarted the promoted master: its configuration as a master left no server parameter pending
    expect(promoted()).toBe(promotedPid);
    // PostgreSQL itself sees the relay's own address
    const [{ addr }] = await queryAs(t, after, 'SELECT host(inet_client_addr()) AS addr') as [{ addr: string }];
    expect(addr).toBe('127.0.0.2');

    // maintenance moves the master back onto the service's port; the relay goes
    const pending = await t.getService('gone');
    expect(pending.maintenance?.updates.map((u) => u.description).join(' ')).toMatch(/failover relay/);
    const m = await t.call<Operation>('PUT', '/dbaas-postgres/gone/maintenance/start');
    expect(m.status).toBe(200);
    expect((await t.waitOperation(m.body.id, 120_000)).state).toBe('success');
    expect(t.engine.nodes.master('gone')?.port).toBe(Number(svc['uri-params']?.port));
    const [{ direct }] = await queryAs(t, after, 'SELECT host(inet_client_addr()) AS direct, pg_is_in_recovery() AS r') as [{ direct: string }];
    expect(direct).toBe('127.0.0.1');
    // the standby follows the master on its port
    await until('gone-1 streaming from the moved master', async () => {
      const rows = await queryAs(t, after, "SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'").catch(() => []);
      return rows.some((r) => r.application_name === 'gone-1');
    });
    await f.stopEngine(t);
  });
});
