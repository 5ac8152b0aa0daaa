// A service is a set of nodes, and the data plane outlives the control plane:
// the engine restarted with SIGTERM leaves the same master serving (same
// postmaster, a client connection held open answers throughout); a data
// directory from before nodes existed is migrated with nothing restarted;
// `npm run engine -- stop` is what stops the databases.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Operation } from '@/lib/schemas/operation';
import type { ServicePg } from '@/lib/schemas/service';
import { connect, queryAs, type TestEngine } from './harness';
import { runningPostmasters, until, type EngineProcess } from './engine-process';
import { Fixtures } from './fixtures';

const f = new Fixtures();
afterAll(() => f.cleanup(), 300_000);

const pgPortBase = () => 45000 + Math.floor(Math.random() * 40) * 100;
const caOf = (dataDir: string) => ({ engine: { ca: { cert: readFileSync(join(dataDir, 'ca', 'ca.crt'), 'utf8') } } }) as Pick<TestEngine, 'engine'>;

async function serviceOf(e: EngineProcess, name: string): Promise<ServicePg> {
  return until(`${name} to run`, async () => {
    const res = await e.call<ServicePg>('GET', `/dbaas-postgres/${name}`);
    return res.status === 200 && res.body.state === 'running' && res.body;
  }, 60_000);
}

describe('a service is a set of nodes', () => {
  it('a new service has one master node, named as node-states shows it, and its URI names that node\'s port', async () => {
    const t = await f.engineOn();
    const svc = await t.createService('single', { version: '16' });
    expect(svc['node-states']).toEqual([{ name: 'single-1', state: 'running', role: 'master' }]);
    const master = t.engine.nodes.master('single');
    expect(master).toMatchObject({ name: 'single-1', seq: 1, role: 'master', state: 'running', major: '16' });
    expect(svc['uri-params']?.port).toBe(String(master?.port));
    expect(svc.components?.find((c) => c.component === 'pg')?.port).toBe(master?.port);
    expect(await queryAs(t, svc, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    await f.stopEngine(t);
  });
});

describe('the engine restarted with SIGTERM', () => {
  it('leaves the same master serving: same postmaster, a connection held open answers before, during and after', async () => {
    const dataDir = f.newDataDir();
    const base = pgPortBase();
    let e = await f.engineProcess(dataDir, base);
    const created = await e.call<Operation>('POST', '/dbaas-postgres/kept', { plan: 'hobbyist-2', version: '17' });
    expect((await e.waitOperation(created.body.id)).state).toBe('success');
    const before = await serviceOf(e, 'kept');
    const [postmaster] = runningPostmasters(dataDir).values();
    const ca = caOf(dataDir);
    const held: pg.Client = await connect(ca, before);
    try {
      expect((await held.query('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);

      // a second engine on the same data directory is refused while the first runs
      const second = await f.engineProcess(dataDir, base).then(() => 'started', (err: Error) => err.message);
      expect(second).toMatch(/another engine \(pid \d+\) runs on/);

      expect(await f.killEngine(e, 'SIGTERM')).toEqual({ code: 0, signal: null });
      expect(e.output.join('\n')).toMatch(/the databases keep running/);
      expect([...runningPostmasters(dataDir).values()]).toEqual([postmaster]);
      expect((await held.query('SELECT 2 AS n')).rows).toEqual([{ n: 2 }]);

      e = await f.engineProcess(dataDir, base);
      const after = await serviceOf(e, 'kept');
      expect(after['node-states']).toEqual(before['node-states']);
      expect(after['uri-params']?.port).toBe(before['uri-params']?.port);
      expect([...runningPostmasters(dataDir).values()]).toEqual([postmaster]);
      expect(e.output.join('\n')).toMatch(new RegExp(`kept-1: PostgreSQL adopted \\(postmaster pid ${postmaster}\\)`));
      expect((await held.query('SELECT 3 AS n')).rows).toEqual([{ n: 3 }]);
    } finally {
      await held.end().catch(() => undefined);
    }

    // stopping the databases is its own command: it stops the engine first, then every node and PgBouncer
    const out = await f.stopDatabases(dataDir);
    expect(out).toMatch(/stopped the engine \(pid \d+\)/);
    expect(out).toMatch(/stopped 1 PostgreSQL node/);
    expect(await e.exited).toEqual({ code: 0, signal: null });
    f.forget(e);
    expect(runningPostmasters(dataDir).size).toBe(0);
  }, 300_000);
});

/**
 * What an engine from before nodes existed left in engine.db (schema version 3): the
 * master's port on the service row, no nodes table, no jobs. The files on disk
 * were laid out then as now: a service's first node lives in its own directory.
 */
function downgradeToBeforeNodes(dbFile: string): void {
  const db = new Database(dbFile);
  try {
    db.pragma('foreign_keys = OFF');
    db.exec(`BEGIN;
      CREATE TABLE services_v4 (
        name TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, plan TEXT NOT NULL, major TEXT NOT NULL,
        phase TEXT NOT NULL CHECK (phase IN ('creating','running','updating','deleting')), port INTEGER NOT NULL UNIQUE,
        admin_username TEXT NOT NULL, ip_filter TEXT NOT NULL, maintenance TEXT NOT NULL, backup_schedule TEXT NOT NULL,
        termination_protection INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        settings TEXT NOT NULL DEFAULT '{}', pgbouncer_port INTEGER, os_user TEXT, engine_secret_sealed TEXT);
      INSERT INTO services_v4 SELECT s.name, s.id, s.plan, s.major, s.phase, n.port, s.admin_username, s.ip_filter, s.maintenance,
        s.backup_schedule, s.termination_protection, s.created_at, s.updated_at, s.settings, s.pgbouncer_port, s.os_user,
        s.engine_secret_sealed FROM services s JOIN nodes n ON n.service = s.name AND n.role = 'master';
      DROP TABLE settings_history; DROP TABLE activity; DROP TABLE integrations; DROP TABLE failovers; DROP TABLE migration_databases; DROP TABLE migrations; DROP TABLE pending_updates; DROP TABLE tasks; DROP TABLE jobs; DROP TABLE nodes; DROP TABLE services;
      ALTER TABLE services_v4 RENAME TO services;
      CREATE UNIQUE INDEX services_pgbouncer_port ON services(pgbouncer_port);
      COMMIT;`);
    db.pragma('user_version = 3');
  } finally {
    db.close();
  }
}

describe('a data directory from before nodes existed', () => {
  it('is migrated at start: every service has one master node, running and adopted, nothing restarted', async () => {
    let t = await f.engineOn();
    const names = ['legacy13', 'legacy17'];
    for (const [i, name] of names.entries()) await t.createService(name, { version: i === 0 ? '13' : '17' });
    const dataDir = t.dataDir;
    const postmasters = runningPostmasters(dataDir);
    const bouncers = names.map((n) => t.engine.bouncer?.pid(t.engine.serviceRoot(t.engine.services.get(n) as never)));
    const ports = await Promise.all(names.map(async (n) => (await t.getService(n))['uri-params']?.port));
    await f.abandon(t);
    downgradeToBeforeNodes(join(dataDir, 'engine.db'));

    t = await f.engineOn(dataDir);
    expect(runningPostmasters(dataDir)).toEqual(postmasters);
    for (const [i, name] of names.entries()) {
      const svc = await t.getService(name);
      expect(svc.state).toBe('running');
      expect(svc['node-states']).toEqual([{ name: `${name}-1`, state: 'running', role: 'master' }]);
      expect(svc['uri-params']?.port).toBe(ports[i]);
      expect(t.engine.nodes.master(name)).toMatchObject({ dir: '', seq: 1, major: i === 0 ? '13' : '17' });
      expect(t.engine.bouncer?.pid(t.engine.serviceRoot(t.engine.services.get(name) as never))).toBe(bouncers[i]);
      expect(await queryAs(t, svc, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
      expect((svc.notifications ?? []).map((n) => n.type)).not.toContain('service_process_restarted');
    }
  }, 300_000);
});

describe('the scheduler', () => {
  it('runs a job that came due while the engine was stopped, once it starts again', async () => {
    let t = await f.engineOn();
    const job = t.engine.jobs.get('prune-operations');
    expect(Date.parse(job?.dueAt ?? '')).toBeGreaterThan(Date.now());
    // an operation finished 40 days ago, and one of today
    const old = t.engine.operations.insert('nobody', 'create-service', {});
    t.engine.operations.finish(old.id, 'success');
    t.engine.db.prepare('UPDATE operations SET created_at = ?, updated_at = ? WHERE id = ?')
      .run(new Date(Date.now() - 40 * 86400_000).toISOString(), new Date(Date.now() - 40 * 86400_000).toISOString(), old.id);
    const recent = t.engine.operations.insert('nobody', 'create-service', {});
    t.engine.operations.finish(recent.id, 'success');
    const dataDir = t.dataDir;
    await f.abandon(t);
    // while the engine was stopped, the job came due
    const db = new Database(join(dataDir, 'engine.db'));
    db.prepare("UPDATE jobs SET due_at = ? WHERE name = 'prune-operations'").run(new Date(Date.now() - 3600_000).toISOString());
    db.close();

    t = await f.engineOn(dataDir);
    await until('the overdue job to run', () => t.engine.jobs.get('prune-operations')?.lastRunAt, 30_000);
    const ran = t.engine.jobs.get('prune-operations');
    expect(ran?.lastResult).toMatch(/^pruned 1 operation/);
    expect(Date.parse(ran?.dueAt ?? '')).toBeGreaterThan(Date.now());
    expect(t.engine.operations.get(old.id)).toBeUndefined();
    expect(t.engine.operations.get(recent.id)?.state).toBe('success');
  });
});
