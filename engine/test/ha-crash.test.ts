// An engine killed in the middle of a failover (issue 13): killed right after
// fencing, then (the next engine, resuming) right after the store switched
// masters; a third engine finishes it. Never two masters at any point, the
// URI takes writes again, and the old master comes back as a standby.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Operation } from '@/lib/schemas/operation';
import type { ServicePg } from '@/lib/schemas/service';
import { runningPostmasters, until } from './engine-process';
import { Fixtures } from './fixtures';

const f = new Fixtures();
afterAll(() => f.cleanup(), 300_000);

const pgPortBase = () => 41000 + Math.floor(Math.random() * 40) * 100;

async function insertVia(svc: ServicePg, ca: string): Promise<boolean> {
  const p = svc['uri-params'] ?? {};
  const client = new pg.Client({ host: p.host, port: Number(p.port), user: p.user, password: p.password, database: p.dbname, ssl: { ca }, connectionTimeoutMillis: 2000, query_timeout: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('INSERT INTO w DEFAULT VALUES');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** How many servers answer as a master, asked over each port (a relay and the node it forwards to are one server). */
async function writableNodes(svc: ServicePg, ports: number[], ca: string): Promise<number> {
  const servers = new Set<number>();
  for (const port of ports) {
    const p = svc['uri-params'] ?? {};
    const client = new pg.Client({ host: p.host, port, user: p.user, password: p.password, database: p.dbname, ssl: { ca }, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const r = await client.query<{ r: boolean; port: number }>('SELECT pg_is_in_recovery() AS r, inet_server_port() AS port');
      if (r.rows[0]?.r === false) servers.add(r.rows[0].port);
    } catch {
      // not answering
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return servers.size;
}

describe('an engine killed during a failover', () => {
  it('is finished by the next engine: after fencing, then after the switch', async () => {
    const dataDir = f.newDataDir();
    const base = pgPortBase();
    const ca = () => readFileSync(join(dataDir, 'ca', 'ca.crt'), 'utf8');
    let e = await f.engineProcess(dataDir, base, { PGDECK_CRASH_AT: 'failover:fenced' });
    const created = await e.call<Operation>('POST', '/dbaas-postgres/cr', {
      plan: 'business-4', version: '18', 'pglookout-settings': { max_failover_replication_time_lag: 10 },
    });
    expect((await e.waitOperation(created.body.id, 180_000)).state).toBe('success');
    const svc = (await e.call<ServicePg>('GET', '/dbaas-postgres/cr')).body;
    const p = svc['uri-params'] ?? {};
    const admin = new pg.Client({ host: p.host, port: Number(p.port), user: p.user, password: p.password, database: p.dbname, ssl: { ca: ca() } });
    await admin.connect();
    await admin.query('CREATE TABLE w (id serial PRIMARY KEY)');
    await admin.end();
    expect(await insertVia(svc, ca())).toBe(true);
    const nodePorts = [Number(p.port), new URL(svc['connection-info']?.standby?.[0] as string).port].map(Number);

    const postmasters = runningPostmasters(dataDir);
    const masterPid = [...postmasters.entries()].find(([dir]) => !dir.includes('/n2/'))?.[1];
    expect(masterPid).toBeDefined();
    process.kill(masterPid as number, 'SIGSTOP');
    // the engine kills itself right after fencing
    expect((await e.exited).signal).toBe('SIGKILL');
    f.forget(e);
    expect(await writableNodes(svc, nodePorts, ca())).toBeLessThanOrEqual(1);

    // the next engine fences again, chooses, switches the store, and is killed there
    e = await f.engineProcess(dataDir, base, { PGDECK_CRASH_AT: 'failover:switched' });
    expect((await e.exited).signal).toBe('SIGKILL');
    f.forget(e);
    expect(await writableNodes(svc, nodePorts, ca())).toBeLessThanOrEqual(1);

    // the third finishes: the standby promoted, the relay on the URI's port, the old master rebuilt
    e = await f.engineProcess(dataDir, base);
    await until('writes through the URI', () => insertVia(svc, ca()), 60_000, 200);
    const done = await until('the old master back as a standby', async () => {
      const s = (await e.call<ServicePg>('GET', '/dbaas-postgres/cr')).body;
      return s['pgdeck-failovers']?.[0]?.state === 'done' && s['node-states']?.every((n) => n.state === 'running') && s;
    }, 180_000, 250);
    expect(done['node-states']?.map((n) => [n.name, n.role])).toEqual([['cr-1', 'standby'], ['cr-2', 'master']]);
    expect(done['uri-params']?.port).toBe(p.port);
    const ports = [...nodePorts, ...(done['node-states'] ?? []).map((n) => n['pgdeck-port']).filter((x): x is number => x !== undefined)];
    expect(await writableNodes(svc, [...new Set(ports)], ca())).toBe(1);
    await f.killEngine(e, 'SIGTERM');
    await f.stopDatabases(dataDir);
  });
});
