// Synchronous quorum (issue 13): on a 3-node plan with synchronous-replication
// quorum, a commit is acknowledged only once one standby has flushed it, so a
// failover loses none: four writers record every commit the server
// acknowledged, the master is hung (SIGSTOP), and after the failover every
// recorded row is on the new master. The other standby follows it.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Operation } from '@/lib/schemas/operation';
import type { ServicePg } from '@/lib/schemas/service';
import { queryAs, type TestEngine } from './harness';
import { until } from './engine-process';
import { Fixtures } from './fixtures';

const f = new Fixtures();
afterAll(() => f.cleanup(), 300_000);

/** Inserts (writer, seq) as fast as it can through the URI, reconnecting, and keeps every seq the server acknowledged. */
async function write(t: TestEngine, svc: ServicePg, writer: number, running: () => boolean, acked: number[]): Promise<void> {
  let seq = 0;
  while (running()) {
    const p = svc['uri-params'] ?? {};
    const client = new pg.Client({ host: p.host, port: Number(p.port), user: p.user, password: p.password, database: p.dbname, ssl: { ca: t.engine.ca.cert }, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      while (running()) {
        seq++;
        // no statement timeout: a cancelled wait for the standby would report success for a commit not replicated
        await client.query('INSERT INTO acked (writer, seq) VALUES ($1, $2)', [writer, seq]);
        acked.push(seq);
      }
    } catch {
      // the commit's fate is unknown: it is not counted
    } finally {
      await client.end().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('synchronous quorum', () => {
  it('no acknowledged commit is lost across a failover, and the other standby follows the new master', async () => {
    const t = await f.engineOn();
    const res = await t.call<Operation>('POST', '/dbaas-postgres/qa', {
      plan: 'premium-4', version: '18', 'synchronous-replication': 'quorum', 'pglookout-settings': { max_failover_replication_time_lag: 10 },
    });
    expect(res.status).toBe(200);
    expect((await t.waitOperation(res.body.id, 240_000)).state).toBe('success');
    const svc = await t.getService('qa');
    expect(svc['synchronous-replication']).toBe('quorum');
    expect(svc['node-states']?.map((n) => [n.role, n.state])).toEqual([['master', 'running'], ['standby', 'running'], ['standby', 'running']]);
    // a commit waits for one of the two standbys
    const [names] = await queryAs(t, svc, 'SHOW synchronous_standby_names') as [{ synchronous_standby_names: string }];
    expect(names.synchronous_standby_names).toBe('ANY 1 ("qa-2", "qa-3")');
    const states = await until('both standbys in the quorum', async () => {
      const s = await t.getService('qa');
      const sync = s['node-states']?.filter((n) => n.role === 'standby').map((n) => n['pgdeck-sync-state']);
      return sync?.every((x) => x === 'quorum') && sync;
    });
    expect(states).toEqual(['quorum', 'quorum']);
    // a smaller plan while quorum is on is refused, naming the plan
    const smaller = await t.call<{ field?: string }>('PUT', '/dbaas-postgres/qa', { plan: 'business-4' });
    expect([smaller.status, smaller.body.field]).toEqual([400, 'plan']);

    await queryAs(t, svc, 'CREATE TABLE acked (writer int, seq int, PRIMARY KEY (writer, seq))');
    let writing = true;
    const acked: number[][] = [[], [], [], []];
    const writers = acked.map((list, i) => write(t, svc, i, () => writing, list));
    await until('the writers to commit', () => acked.every((l) => l.length > 20));
    const old = t.engine.nodes.master('qa')!;
    process.kill(t.engine.runtime.pid(t.engine.nodeRoot(t.engine.services.get('qa')!, old))!, 'SIGSTOP');
    await until('a failover', async () => (await t.getService('qa')).notifications?.some((n) => n.type === 'service_failover'), 60_000, 200);
    const before = acked.map((l) => l.length);
    await until('the writers to commit on the new master', () => acked.every((l, i) => l.length > (before[i] ?? 0) + 5), 60_000);
    writing = false;
    await Promise.all(writers);

    // every acknowledged commit is on the new master
    const rows = await queryAs(t, svc, 'SELECT writer, seq FROM acked') as { writer: number; seq: number }[];
    const have = new Set(rows.map((r) => `${r.writer}:${r.seq}`));
    const lost = acked.flatMap((l, w) => l.filter((seq) => !have.has(`${w}:${seq}`)).map((seq) => `${w}:${seq}`));
    expect(lost).toEqual([]);
    expect(acked.flat().length).toBeGreaterThan(100);

    // the other standby streams from the new master, which names it in its quorum
    const newMaster = t.engine.nodes.master('qa')!;
    expect(newMaster.name).not.toBe(old.name);
    const other = ['qa-2', 'qa-3'].find((n) => n !== newMaster.name);
    const streaming = await until(`${other} to stream from ${newMaster.name}`, async () => {
      const r = await t.engine.runtime.query<{ application_name: string; sync_state: string }>(
        t.engine.spec(t.engine.services.get('qa')!, newMaster), "SELECT application_name, sync_state FROM pg_stat_replication WHERE state = 'streaming'");
      return r.some((x) => x.application_name === other) && r;
    });
    expect(streaming.find((x) => x.application_name === other)?.sync_state).toBe('quorum');
    await f.stopEngine(t);
  });
});
