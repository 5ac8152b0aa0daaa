// Standbys (issue 13): a multi-node plan runs a master and streaming standbys,
// each its own PostgreSQL node built from the master by an online copy; the
// standbys serve reads on their own ports and refuse writes; a plan change
// adds and removes standbys while the master keeps committing.
import { afterAll, describe, expect, it } from 'vitest';
import type { Operation } from '@/lib/schemas/operation';
import type { ServicePg } from '@/lib/schemas/service';
import { connect, queryAs, type TestEngine } from './harness';
import { until } from './engine-process';
import { Fixtures } from './fixtures';

const f = new Fixtures();
afterAll(() => f.cleanup(), 300_000);

/** The service as GET shows it once every node runs. */
async function allRunning(t: TestEngine, name: string, nodes: number): Promise<ServicePg> {
  return until(`${name}'s ${nodes} nodes to run`, async () => {
    const svc = await t.getService(name);
    const states = svc['node-states'] ?? [];
    return states.length === nodes && states.every((n) => n.state === 'running') && svc;
  }, 180_000, 250);
}

/** A URI of connection-info as params node-postgres takes (TLS verified against the engine's CA). */
function asParams(uri: string): ServicePg {
  const u = new URL(uri);
  return { name: '', type: 'pg', plan: '', 'uri-params': { host: u.hostname, port: u.port, user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), dbname: u.pathname.slice(1) } };
}

describe('standbys', () => {
  it.each(['18', '13'])('a business plan on %s runs a master and a streaming standby that serves reads and refuses writes', async (version) => {
    const t = await f.engineOn();
    const name = `ha${version}`;
    const res = await t.call<Operation>('POST', `/dbaas-postgres/${name}`, { plan: 'business-4', version });
    expect(res.status).toBe(200);
    // the standby's copy shows its progress while it syncs
    const seen = new Set<string>();
    await until('the create to finish', async () => {
      const svc = await t.getService(name);
      for (const n of svc['node-states'] ?? []) for (const p of n['progress-updates'] ?? []) seen.add(`${n.state}:${p.phase}`);
      return (await t.call<Operation>('GET', `/operation/${res.body.id}`)).body.state !== 'pending';
    }, 180_000, 50);
    expect((await t.waitOperation(res.body.id)).state).toBe('success');
    expect([...seen].some((s) => s.startsWith('syncing_data:'))).toBe(true);
    const svc = await allRunning(t, name, 2);
    expect(svc['node-states']?.map((n) => [n.name, n.role])).toEqual([[`${name}-1`, 'master'], [`${name}-2`, 'standby']]);
    expect(svc['node-count']).toBe(2);
    expect(svc['synchronous-replication']).toBe('off');
    await queryAs(t, svc, 'CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, \'one\')');
    const standbyUri = svc['connection-info']?.standby?.[0];
    expect(standbyUri).toBeDefined();
    const standby = asParams(standbyUri as string);
    expect(svc.components?.filter((c) => c.usage === 'replica').map((c) => c.port)).toEqual([Number(standby['uri-params']?.port)]);
    // the row reaches the standby
    await until('the row on the standby', async () => {
      const rows = await queryAs(t, standby, 'SELECT v FROM t WHERE id = 1').catch(() => []);
      return rows[0]?.v === 'one';
    });
    expect(await queryAs(t, standby, 'SELECT pg_is_in_recovery() AS r')).toEqual([{ r: true }]);
    const refused = await queryAs(t, standby, 'INSERT INTO t VALUES (2, \'two\')').catch((err: { code?: string }) => err);
    expect((refused as { code?: string }).code).toBe('25006');
    // it streams from a physical slot on the master, named for the node
    const slots = await t.engine.runtime.query<{ slot_name: string; active: boolean }>(
      t.engine.spec(t.engine.services.get(name)!, t.engine.nodes.master(name)!), 'SELECT slot_name, active FROM pg_replication_slots');
    expect(slots).toEqual([{ slot_name: 'pgdeck_node_2', active: true }]);
    // and its lag is sampled
    const sampled = await until('a lag sample', async () => {
      const s = await t.getService(name);
      const n = s['node-states']?.find((x) => x.role === 'standby');
      return n?.['pgdeck-lag-bytes'] !== undefined && n;
    });
    expect(sampled['pgdeck-port']).toBe(Number(standby['uri-params']?.port));
    await f.stopEngine(t);
  });

  it('a plan change adds a standby while a writer commits throughout, and removes it again', async () => {
    const t = await f.engineOn();
    const svc = await t.createService('grow', { plan: 'startup-4', version: '17' });
    const master = t.engine.nodes.master('grow');
    await queryAs(t, svc, 'CREATE TABLE w (id serial PRIMARY KEY, at timestamptz DEFAULT now())');
    const writer = await connect(t, svc);
    let commits = 0;
    const failures: string[] = [];
    let writing = true;
    const loop = (async () => {
      while (writing) {
        try {
          await writer.query('INSERT INTO w DEFAULT VALUES');
          commits++;
        } catch (err) {
          failures.push((err as Error).message);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const up = await t.call<Operation>('PUT', '/dbaas-postgres/grow', { plan: 'business-4' });
    expect(up.status).toBe(200);
    expect((await t.waitOperation(up.body.id, 180_000)).state).toBe('success');
    const grown = await allRunning(t, 'grow', 2);
    const before = commits;
    await until('more commits after the standby runs', () => commits > before + 5);
    // the master never stopped: same postmaster, no restart reported
    expect(t.engine.nodes.master('grow')?.name).toBe(master?.name);
    expect(grown.notifications?.filter((n) => n.type === 'service_process_restarted')).toEqual([]);
    const standby = asParams(grown['connection-info']?.standby?.[0] as string);
    const [{ n }] = await queryAs(t, standby, 'SELECT count(*)::int AS n FROM w') as [{ n: number }];
    expect(n).toBeGreaterThan(0);

    const down = await t.call<Operation>('PUT', '/dbaas-postgres/grow', { plan: 'startup-4' });
    expect((await t.waitOperation(down.body.id, 120_000)).state).toBe('success');
    writing = false;
    await loop;
    await writer.end();
    expect(failures).toEqual([]);
    const after = await t.getService('grow');
    expect(after['node-states']?.map((x) => x.name)).toEqual(['grow-1']);
    expect(after['connection-info']?.standby).toBeUndefined();
    const slots = await queryAs(t, after, 'SELECT count(*)::int AS n FROM pg_replication_slots');
    expect(slots).toEqual([{ n: 0 }]);
    await f.stopEngine(t);
  });

  it('a major upgrade of a business plan copies its standby again on the new major', async () => {
    const t = await f.engineOn();
    const res = await t.call<Operation>('POST', '/dbaas-postgres/up', { plan: 'business-4', version: '17' });
    expect((await t.waitOperation(res.body.id, 180_000)).state).toBe('success');
    const svc = await allRunning(t, 'up', 2);
    await queryAs(t, svc, "CREATE TABLE kept AS SELECT 'before' AS v");
    const up = await t.call<Operation>('PUT', '/dbaas-postgres/up', { version: '18' });
    expect(up.status).toBe(200);
    const op = await t.waitOperation(up.body.id, 300_000);
    expect(op.state).toBe('success');
    expect(op.message).toMatch(/standbys copied again on PostgreSQL 18/);
    const after = await allRunning(t, 'up', 2);
    expect(after.version).toBe('18');
    expect(t.engine.nodes.list('up').map((n) => [n.role, n.major])).toEqual([['master', '18'], ['standby', '18']]);
    const standby = asParams(after['connection-info']?.standby?.[0] as string);
    await until('the row on the new standby', async () => (await queryAs(t, standby, 'SELECT v FROM kept').catch(() => []))[0]?.v === 'before');
    expect(await queryAs(t, standby, "SELECT current_setting('server_version_num')::int / 10000 AS major")).toEqual([{ major: 18 }]);
    await f.stopEngine(t);
  });
});
