// Major upgrades against real PostgreSQL: the check finds blockers per
// database (a reg* column, an extension with no update path) before anything
// changes; an upgrade with pg_upgrade --link (17→18, 13→18) and one by dump
// and restore (15→16) keep data, users, pools, settings and the address; a
// failure injected after the new cluster started rolls back with every
// commit; a downgrade is refused.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operation } from '@/lib/schemas/operation';
import type { ServicePg } from '@/lib/schemas/service';
import { takeBackupWhenFree } from '../domain/backups';
import { upgradePath } from '../runtime/upgrade-tools';
import { connect, queryAs, type TestEngine } from './harness';
import { until } from './engine-process';
import { Fixtures } from './fixtures';

const f = new Fixtures();
let t: TestEngine;
beforeAll(async () => {
  t = await f.engineOn();
});
afterAll(() => f.cleanup(), 300_000);

interface Task { id: string; success?: boolean; result: string; 'result-codes': { code: string; dbname?: string }[] }

async function check(name: string, target: string): Promise<Task> {
  const res = await t.call<Task>('POST', `/dbaas-postgres/${name}/upgrade-check`, { 'target-version': target });
  expect(res.status).toBe(200);
  let task = res.body;
  for (const deadline = Date.now() + 120_000; task.success === undefined && Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 500));
    task = (await t.call<Task>('GET', `/dbaas-task/${name}/${task.id}`)).body;
  }
  return task;
}

async function upgrade(name: string, version: string): Promise<Operation> {
  const res = await t.call<Operation>('PUT', `/dbaas-postgres/${name}`, { version });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return t.waitOperation(res.body.id, 600_000);
}

/** A service with what a user keeps in one: a user, a database with rows and an extension, a pool, a setting. */
async function populated(name: string, version: string): Promise<ServicePg> {
  await t.createService(name, { version });
  await until(`${name}'s first backup`, async () => ((await t.getService(name)).backups ?? []).length > 0, 60_000, 200);
  expect((await t.call('POST', `/dbaas-postgres/${name}/user`, { username: 'app' })).status).toBe(200);
  expect((await t.call('POST', `/dbaas-postgres/${name}/database`, { 'database-name': 'shop' })).status).toBe(200);
  expect((await t.call('POST', `/dbaas-postgres/${name}/connection-pool`, { name: 'web', 'database-name': 'shop', username: 'app', size: 3 })).status).toBe(200);
  const put = await t.call<Operation>('PUT', `/dbaas-postgres/${name}`, { 'pg-settings': { log_min_duration_statement: 250 } });
  expect(put.status).toBe(200);
  await t.waitOperation(put.body.id);
  const svc = await t.getService(name);
  const c = await connect(t, svc, { database: 'shop' });
  try {
    await c.query('CREATE EXTENSION hstore');
    await c.query("CREATE TABLE orders AS SELECT g AS id, format('order %s', g) AS note, hstore('k', g::text) AS tags FROM generate_series(1, 5000) g");
    await c.query('ALTER TABLE orders ADD PRIMARY KEY (id)');
    await c.query('GRANT ALL ON orders TO app');
  } finally {
    await c.end();
  }
  return svc;
}

async function expectKept(name: string, before: ServicePg, version: string): Promise<void> {
  const svc = await t.getService(name);
  expect(svc.version).toBe(version);
  expect(svc.state).toBe('running');
  // the same address: clients keep their connection string
  expect(svc['uri-params']?.port).toBe(before['uri-params']?.port);
  expect(svc['node-states']).toEqual([expect.objectContaining({ role: 'master', state: 'running' })]);
  expect(await queryAs(t, svc, 'SELECT current_setting(\'server_version_num\')::int / 10000 AS major')).toEqual([{ major: Number(version) }]);
  expect(await queryAs(t, svc, "SELECT count(*)::int AS n, max(tags -> 'k') AS k FROM orders", { database: 'shop' })).toEqual([{ n: 5000, k: '999' }]);
  expect(svc['pg-settings']).toMatchObject({ log_min_duration_statement: 250 });
  expect(await queryAs(t, svc, 'SHOW log_min_duration_statement')).toEqual([{ log_min_duration_statement: '250ms' }]);
  // the user logs in with the password it had, directly and through its pool
  const app = svc.users?.find((u) => u.username === 'app');
  expect(await queryAs(t, svc, 'SELECT count(*)::int AS n FROM orders', { user: 'app', password: app?.password, database: 'shop' })).toEqual([{ n: 5000 }]);
  const pool = svc['connection-pools']?.find((p) => p.name === 'web');
  const bouncer = svc.components?.find((c) => c.component === 'pgbouncer');
  expect(await queryAs(t, { ...svc, 'uri-params': { ...svc['uri-params'], port: String(bouncer?.port), user: 'app', password: app?.password ?? '', dbname: 'web' } }, 'SELECT count(*)::int AS n FROM orders')).toEqual([{ n: 5000 }]);
  expect(pool).toBeDefined();
  // writable, and backed up again on the new major
  await queryAs(t, svc, "INSERT INTO orders VALUES (5001, 'after the upgrade', '')", { database: 'shop' });
  await until(`${name}'s first backup on ${version}`, async () => ((await t.getService(name)).backups ?? []).length > 0, 120_000, 500);
}

const can = (from: string, to: string) => upgradePath(from, to).method !== null && Boolean(t.engine.binaries.get(from) && t.engine.binaries.get(to));

describe('the upgrade check', () => {
  it('names each blocker with its database, and changes nothing', async () => {
    if (!can('17', '18')) return;
    const svc = await t.createService('checked', { version: '17' });
    expect((await t.call('POST', '/dbaas-postgres/checked/database', { 'database-name': 'shop' })).status).toBe(200);
    const c = await connect(t, svc, { database: 'shop' });
    try {
      await c.query('CREATE TABLE hooks (id int, fn regproc)');
      await c.query("INSERT INTO hooks VALUES (1, 'now')");
    } finally {
      await c.end();
    }
    const task = await check('checked', '18');
    expect(task.success).toBe(false);
    expect(task['result-codes']).toContainEqual({ code: 'reg-type-columns', dbname: 'shop' });
    expect(task.result).toMatch(/hooks\.fn/);
    // nothing changed, and the upgrade itself refuses with the same findings
    expect((await t.getService('checked')).version).toBe('17');
    const op = await upgrade('checked', '18');
    expect(op.state).toBe('failure');
    expect(op.message).toMatch(/reg-type-columns shop/);
    expect((await t.getService('checked')).version).toBe('17');
    expect(await queryAs(t, svc, 'SELECT count(*)::int AS n FROM hooks', { database: 'shop' })).toEqual([{ n: 1 }]);
    // fixed, the check passes
    await queryAs(t, svc, 'ALTER TABLE hooks ALTER COLUMN fn TYPE text', { database: 'shop' });
    const again = await check('checked', '18');
    expect(again['result-codes'].filter((r) => r.code === 'reg-type-columns')).toEqual([]);
  }, 300_000);

  it('refuses a downgrade (400 naming version) and says why a target is missing', async () => {
    await t.createService('older', { version: '17' });
    // an upgrade's own backup waits for one being taken (the first, right after a create) instead of failing as busy,
    // and two backups in the same second get two names
    const [a, b] = await Promise.all([takeBackupWhenFree(t.engine, 'older'), takeBackupWhenFree(t.engine, 'older')]);
    expect(a.name).not.toBe(b.name);
    const down = await t.call<{ field?: string; message: string }>('PUT', '/dbaas-postgres/older', { version: '16' });
    expect(down.status).toBe(400);
    expect(down.body.field).toBe('version');
    const task = await check('older', '16');
    expect(task.success).toBe(false);
    expect(task['result-codes']).toEqual([{ code: 'target-not-newer' }]);
    const unknown = await check('older', '99');
    expect(unknown['result-codes']).toEqual([{ code: 'target-not-installed' }]);
  }, 120_000);
});

describe.each([
  ['17', '18'],
  ['13', '18'],
  ['15', '16'],
])('an upgrade from %s to %s', (from, to) => {
  it('keeps data, users, pools, settings and the address', async (ctx) => {
    if (!can(from, to)) ctx.skip();
    const name = `up${from}to${to}`;
    const before = await populated(name, from);
    // a trap for a restore run as the superuser: a CHECK constraint whose function makes its owner a superuser
    await queryAs(t, before, `CREATE FUNCTION promote_me() RETURNS boolean LANGUAGE plpgsql AS $$
      BEGIN ALTER ROLE avnadmin SUPERUSER; RETURN true; EXCEPTION WHEN OTHERS THEN RETURN true; END $$`, { database: 'shop' });
    await queryAs(t, before, 'CREATE TABLE trap (id int CHECK (promote_me()))', { database: 'shop' });
    await queryAs(t, before, 'INSERT INTO trap VALUES (1)', { database: 'shop' });
    const op = await upgrade(name, to);
    expect(op.state, op.message).toBe('success');
    expect(op.message).toMatch(new RegExp(`upgraded ${from} → ${to}.*writes refused for [\\d.]+ s`));
    await expectKept(name, before, to);
    // the trap's row came over, loaded as its owner: the admin is no superuser
    expect(await queryAs(t, await t.getService(name), "SELECT count(*)::int AS n, (SELECT rolsuper FROM pg_roles WHERE rolname = 'avnadmin') AS su FROM trap", { database: 'shop' })).toEqual([{ n: 1, su: false }]);
  }, 600_000);
});

describe('a failed upgrade', () => {
  it('rolls back after the new cluster started, with every commit', async () => {
    if (!can('17', '18')) return;
    const before = await populated('rollback', '17');
    await queryAs(t, before, "INSERT INTO orders VALUES (6000, 'just before', '')", { database: 'shop' });
    process.env.PGDECK_FAIL_AT = 'upgrade:verify';
    let op: Operation;
    try {
      op = await upgrade('rollback', '18');
    } finally {
      delete process.env.PGDECK_FAIL_AT;
    }
    expect(op.state).toBe('failure');
    expect(op.message).toMatch(/rolled back: the service runs PostgreSQL 17 as before/);
    const svc = await t.getService('rollback');
    expect(svc.version).toBe('17');
    expect(svc['node-states']).toHaveLength(1);
    expect(await queryAs(t, svc, 'SELECT count(*)::int AS n FROM orders', { database: 'shop' })).toEqual([{ n: 5001 }]);
    expect(await queryAs(t, svc, "SELECT current_setting('server_version_num')::int / 10000 AS major")).toEqual([{ major: 17 }]);
    // nothing of the attempt is left: its node, its port claim, the backups set aside
    expect(t.engine.nodes.list('rollback').map((n) => n.major)).toEqual(['17']);
    expect(svc.backups?.length).toBeGreaterThan(0);
  }, 600_000);
});

describe('the engine killed with SIGKILL in the middle of an upgrade, then started again', () => {
  it.each([
    ['upgrade:new-started', '17', 'rolled back: the new cluster had started, so the old one is restored with every commit'],
    ['upgrade:switched', '18', 'finished: the switch was written'],
  ])('at %s: the service runs %s (%s)', async (point, version) => {
    if (!can('17', '18')) return;
    const dataDir = f.newDataDir();
    const e = await f.engineProcess(dataDir, 48500 + Math.floor(Math.random() * 20) * 10, { PGDECK_CRASH_AT: point });
    const created = await e.call<Operation>('POST', '/dbaas-postgres/cut', { plan: 'hobbyist-2', version: '17' });
    expect((await e.waitOperation(created.body.id)).state).toBe('success');
    await until('the first backup', async () => ((await e.call<ServicePg>('GET', '/dbaas-postgres/cut')).body.backups ?? []).length > 0, 60_000, 200);
    const svc = (await e.call<ServicePg>('GET', '/dbaas-postgres/cut')).body;
    // the engine process's own CA signed the service's certificate
    const own = { engine: { ca: { cert: readFileSync(join(dataDir, 'ca', 'ca.crt'), 'utf8') } } } as unknown as TestEngine;
    await queryAs(own, svc, 'CREATE TABLE kept AS SELECT generate_series(1, 1000) AS n');
    const put = await e.call<Operation>('PUT', '/dbaas-postgres/cut', { version: '18' });
    expect(put.status).toBe(200);
    expect((await e.exited).signal).toBe('SIGKILL');
    f.forget(e);

    const again = await f.engineOn(dataDir);
    const op = (await again.call<Operation>('GET', `/operation/${put.body.id}`)).body;
    expect(op.state).toBe(version === '18' ? 'success' : 'failure');
    const after = await again.getService('cut');
    expect(after.version).toBe(version);
    expect(after['node-states']).toEqual([expect.objectContaining({ role: 'master', state: 'running' })]);
    expect(after['uri-params']?.port).toBe(svc['uri-params']?.port);
    expect(await queryAs(again, after, 'SELECT count(*)::int AS n, current_setting(\'server_version_num\')::int / 10000 AS major FROM kept')).toEqual([{ n: 1000, major: Number(version) }]);
    await queryAs(again, after, 'INSERT INTO kept VALUES (1001)');
  }, 600_000);
});
