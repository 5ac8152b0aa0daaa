// Services on real PostgreSQL: create, read, update, delete, over signed HTTP.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pendingUpdates } from '../domain/maintenance-updates';
import type { Operation } from '@/lib/schemas/operation';
import type { ServiceCommon, ServicePg } from '@/lib/schemas/service';
import { connect, queryAs, removeDataDir, startEngine, type TestEngine } from './harness';

let t: TestEngine;
let svc: ServicePg;

beforeAll(async () => {
  t = await startEngine();
  svc = await t.createService('alpha', {
    version: '16',
    'admin-username': 'boss',
    'admin-password': 'correct-horse-battery',
    maintenance: { dow: 'tuesday', time: '02:30:00' },
    'backup-schedule': { 'backup-hour': 5, 'backup-minute': 15 },
  });
});
afterAll(async () => {
  await t?.stop();
  removeDataDir(t.dataDir);
});

const postmasterStart = async (s: ServicePg) =>
  String((await queryAs(t, s, 'SELECT pg_postmaster_start_time()::text AS t'))[0]?.t);

describe('create and read', () => {
  it('answers pending, then the service runs with what was asked', () => {
    expect(svc).toMatchObject({
      name: 'alpha',
      type: 'pg',
      plan: 'hobbyist-2',
      state: 'running',
      version: '16',
      zone: 'local',
      'node-count': 1,
      'node-cpu-count': 1,
      'node-memory': 2 * 1024 ** 3,
      'termination-protection': false,
      databases: ['defaultdb'],
      maintenance: { dow: 'tuesday', time: '02:30:00', updates: [] },
      'backup-schedule': { 'backup-hour': 5, 'backup-minute': 15 },
      'max-connections': 50,
      'ip-filter': ['0.0.0.0/0', '::/0'],
      'node-states': [{ name: 'alpha-1', state: 'running', role: 'master' }],
      users: [{ type: 'primary', username: 'boss', password: 'correct-horse-battery', 'allow-replication': true }],
    });
    expect(svc.uri).toBe(`postgres://boss:correct-horse-battery@127.0.0.1:${svc['uri-params']?.port}/defaultdb?sslmode=require`);
    const bouncerPort = svc.components?.find((c) => c.component === 'pgbouncer')?.port;
    expect(svc.components).toEqual([
      { component: 'pg', host: '127.0.0.1', port: Number(svc['uri-params']?.port), route: 'dynamic', usage: 'primary' },
      { component: 'pgbouncer', host: '127.0.0.1', port: bouncerPort, route: 'dynamic', usage: 'primary' },
    ]);
    expect(bouncerPort).not.toBe(Number(svc['uri-params']?.port));
    expect(svc['connection-pools']).toEqual([]);
    expect(svc['connection-info']?.uri).toEqual([svc.uri]);
    expect(Date.parse(svc['created-at'] ?? '')).toBeGreaterThan(0);
  });

  it('serves TLS verified against the engine CA (verify-full) and refuses plain text', async () => {
    const rows = await queryAs(t, svc, "SELECT current_user AS u, ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
    expect(rows[0]).toEqual({ u: 'boss', ssl: true });
    await expect(queryAs(t, svc, 'SELECT 1', { ssl: false })).rejects.toThrow(/no pg_hba.conf entry|encryption/);
    await expect(queryAs(t, svc, 'SELECT 1', { password: 'wrong-password' })).rejects.toThrow(/password authentication failed/);
  });

  it('the admin can create databases and roles but is not a superuser', async () => {
    const rows = await queryAs(t, svc, "SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = 'boss'");
    expect(rows[0]).toEqual({ rolsuper: false, rolcreatedb: true, rolcreaterole: true });
  });

  it('lists the service in GET /v2/dbaas-service', async () => {
    const res = await t.call<{ 'dbaas-services': ServiceCommon[] }>('GET', '/dbaas-service');
    expect(res.body['dbaas-services'].map((s) => s.name)).toContain('alpha');
    expect(res.body['dbaas-services'].find((s) => s.name === 'alpha')).toMatchObject({ type: 'pg', plan: 'hobbyist-2', state: 'running' });
  });

  it('a viewer sees the service without any password', async () => {
    const res = await t.call<ServicePg>('GET', '/dbaas-postgres/alpha', undefined, t.keyFor('viewer'));
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain('correct-horse-battery');
    expect(res.body.uri).toMatch(/^postgres:\/\/boss@127\.0\.0\.1:\d+\/defaultdb\?sslmode=require$/);
    expect(res.body.users?.[0]).not.toHaveProperty('password');
  });

  it('refuses a second service with the same name', async () => {
    const res = await t.call<{ message: string; code: string }>('POST', '/dbaas-postgres/alpha', { plan: 'hobbyist-2' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('conflict');
  });
});

describe('bad input', () => {
  const cases: [string, string, string, unknown, number, string][] = [
    // [what, method, path, body, status, field named in the answer]
    ['missing plan', 'POST', '/dbaas-postgres/b1', {}, 400, 'plan'],
    ['unknown plan', 'POST', '/dbaas-postgres/b1', { plan: 'mega-9000' }, 400, 'plan'],
    ['quorum on a 2-node plan', 'POST', '/dbaas-postgres/b1', { plan: 'business-4', 'synchronous-replication': 'quorum' }, 400, 'synchronous-replication'],
    ['an unknown synchronous-replication', 'POST', '/dbaas-postgres/b1', { plan: 'premium-4', 'synchronous-replication': 'sync' }, 400, 'synchronous-replication'],
    ['plan of the wrong type', 'POST', '/dbaas-postgres/b1', { plan: 4 }, 400, 'plan'],
    ['unknown version', 'POST', '/dbaas-postgres/b1', { plan: 'hobbyist-2', version: '12' }, 400, 'version'],
    ['invalid service name', 'POST', '/dbaas-postgres/Bad_Name', { plan: 'hobbyist-2' }, 400, 'name'],
    ['too long service name', 'POST', `/dbaas-postgres/${'a'.repeat(64)}`, { plan: 'hobbyist-2' }, 400, 'name'],
    ['unknown field', 'POST', '/dbaas-postgres/b1', { plan: 'hobbyist-2', colour: 'blue' }, 400, 'colour'],
    ['invalid CIDR', 'POST', '/dbaas-postgres/b1', { plan: 'hobbyist-2', 'ip-filter': ['10.0.0.0/33'] }, 400, 'ip-filter[0]'],
    ['host bits in CIDR', 'POST', '/dbaas-postgres/b1', { plan: 'hobbyist-2', 'ip-filter': ['10.0.0.1/8'] }, 400, 'ip-filter[0]'],
    ['ip-filter not a list', 'POST', '/dbaas-postgres/b1', { plan: 'hobbyist-2', 'ip-filter': '10.0.0.0/8' }, 400, 'ip-filter'],
    ['short admin password', 'POST', '/dbaas-postgres/b1', { plan: 'hobbyist-2', 'admin-password': 'short' }, 400, 'admin-password'],
    ['admin password with a quote', 'POST', '/dbaas-postgres/b1', { plan: 'hobbyist-2', 'admin-password': "abc'defgh" }, 400, 'admin-password'],
    ['reserved admin name', 'POST', '/dbaas-postgres/b1', { plan: 'hobbyist-2', 'admin-username': 'postgres' }, 400, 'admin-username'],
    ['admin named public', 'POST', '/dbaas-postgres/b1', { plan: 'hobbyist-2', 'admin-username': 'public' }, 400, 'admin-username'],
    ['admin named none', 'POST', '/dbaas-postgres/b1', { plan: 'hobbyist-2', 'admin-username': 'none' }, 400, 'admin-username'],
    ["admin named as the engine's PgBouncer admin", 'POST', '/dbaas-postgres/b1', { plan: 'hobbyist-2', 'admin-username': 'pgdeck_admin' }, 400, 'admin-username'],
    ['300-character service name', 'GET', `/dbaas-postgres/${'a'.repeat(300)}`, undefined, 400, 'name'],
    ['300-character service name on create', 'POST', `/dbaas-postgres/${'a'.repeat(300)}`, { plan: 'hobbyist-2' }, 400, 'name'],
    ['bad maintenance day', 'POST', '/dbaas-postgres/b1', { plan: 'hobbyist-2', maintenance: { dow: 'someday', time: '01:00:00' } }, 400, 'maintenance.dow'],
    ['bad maintenance time', 'POST', '/dbaas-postgres/b1', { plan: 'hobbyist-2', maintenance: { dow: 'monday', time: '25:00:00' } }, 400, 'maintenance.time'],
    ['backup hour out of range', 'POST', '/dbaas-postgres/b1', { plan: 'hobbyist-2', 'backup-schedule': { 'backup-hour': 24 } }, 400, 'backup-schedule.backup-hour'],
    ['termination-protection not a boolean', 'POST', '/dbaas-postgres/b1', { plan: 'hobbyist-2', 'termination-protection': 'yes' }, 400, 'termination-protection'],
    ['unknown pg-settings key', 'POST', '/dbaas-postgres/b1', { plan: 'hobbyist-2', 'pg-settings': { no_such_setting: 1 } }, 400, 'pg-settings.no_such_setting'],
    ['pgbouncer-settings out of bounds', 'POST', '/dbaas-postgres/b1', { plan: 'hobbyist-2', 'pgbouncer-settings': { server_lifetime: 1 } }, 400, 'pgbouncer-settings.server_lifetime'],
    ['fork of an unknown service', 'POST', '/dbaas-postgres/b1', { plan: 'hobbyist-2', 'fork-from-service': 'nosuch' }, 404, 'fork-from-service'],
    ['work-mem out of range', 'PUT', '/dbaas-postgres/alpha', { 'work-mem': 0 }, 400, 'work-mem'],
    ['a migration source given as a socket path', 'PUT', '/dbaas-postgres/alpha', { migration: { host: '/var/run/postgresql', port: 5432 } }, 400, 'migration.host'],
    ['a migration with other fields', 'PUT', '/dbaas-postgres/alpha', { migration: { host: 'db.example.com', port: 5432 }, plan: 'startup-4' }, 400, 'migration'],
    ['a migration into a fork', 'POST', '/dbaas-postgres/b1', { plan: 'hobbyist-2', 'fork-from-service': 'alpha', migration: { host: 'h', port: 1 } }, 400, 'migration'],
    ['unknown field on update', 'PUT', '/dbaas-postgres/alpha', { name: 'other' }, 400, 'name'],
    ['invalid CIDR on update', 'PUT', '/dbaas-postgres/alpha', { 'ip-filter': ['300.1.1.1/32'] }, 400, 'ip-filter[0]'],
    ['a downgrade', 'PUT', '/dbaas-postgres/alpha', { version: '13' }, 400, 'version'],
    ['a version change with other fields', 'PUT', '/dbaas-postgres/alpha', { version: '18', plan: 'startup-4' }, 400, 'version'],
    ['quorum on a single node', 'PUT', '/dbaas-postgres/alpha', { 'synchronous-replication': 'quorum' }, 400, 'synchronous-replication'],
  ];

  it.each(cases)('%s: %s %s is refused, naming the field', async (_what, method, path, body, status, field) => {
    const res = await t.call<{ message: string; field?: string }>(method, path, body);
    expect(res.status).toBe(status);
    expect(res.body.field).toBe(field);
    expect(res.body.message).toContain(field);
  });

  it('invalid JSON, a non-object body and an oversized body are 4xx, never 500', async () => {
    const sendRaw = async (body: string) => {
      const { signRequest } = await import('@/lib/api-v2/signer');
      const path = '/v2/dbaas-postgres/b2';
      const authorization = signRequest(t.admin.key, t.admin.secret, { method: 'POST', path, body, expires: Math.floor(Date.now() / 1000) + 600 });
      const res = await fetch(t.admin.baseUrl.replace(/\/v2$/, '') + path, { method: 'POST', body, headers: { authorization, 'content-type': 'application/json' } });
      return { status: res.status, body: (await res.json()) as { message: string; field?: string } };
    };
    expect(await sendRaw('{"plan": ')).toMatchObject({ status: 400, body: { field: 'body' } });
    expect(await sendRaw('["hobbyist-2"]')).toMatchObject({ status: 400, body: { field: 'body' } });
    const big = await sendRaw(JSON.stringify({ plan: 'hobbyist-2', pad: 'x'.repeat(2 * 1024 * 1024) }));
    expect(big.status).toBe(413);
    expect(big.body.message).toMatch(/body/);
  });

  it('unknown services, and paths under them, are 404 not-found', async () => {
    for (const [method, path] of [
      ['GET', '/dbaas-postgres/ghost'],
      ['PUT', '/dbaas-postgres/ghost'],
      ['DELETE', '/dbaas-postgres/ghost'],
      ['DELETE', '/dbaas-service/ghost'],
      ['POST', '/dbaas-postgres/ghost/database'],
      ['POST', '/dbaas-postgres/ghost/user'],
    ] as const) {
      const body = method === 'POST' ? (path.endsWith('database') ? { 'database-name': 'x' } : { username: 'x' }) : method === 'PUT' ? {} : undefined;
      const res = await t.call<{ code: string }>(method, path, body);
      expect([method, path, res.status, res.body.code]).toEqual([method, path, 404, 'not-found']);
    }
  });

  it('no refused create left anything behind', async () => {
    const res = await t.call<{ 'dbaas-services': ServiceCommon[] }>('GET', '/dbaas-service');
    expect(res.body['dbaas-services'].map((s) => s.name)).toEqual(['alpha']);
  });
});

describe('update', () => {
  it('ip-filter is enforced by PostgreSQL and changes with a reload, not a restart', async () => {
    const started = await postmasterStart(svc);
    const op = await t.call<Operation>('PUT', '/dbaas-postgres/alpha', { 'ip-filter': ['10.20.0.0/16'] });
    expect(op.body.state).toBe('success');
    await expect(queryAs(t, svc, 'SELECT 1')).rejects.toThrow(/no pg_hba.conf entry for host "127.0.0.1"/);
    const back = await t.call<Operation>('PUT', '/dbaas-postgres/alpha', { 'ip-filter': ['127.0.0.1'] });
    expect(back.body.state).toBe('success');
    expect((await t.getService('alpha'))['ip-filter']).toEqual(['127.0.0.1/32']);
    expect(await postmasterStart(svc)).toBe(started);
  });

  it('maintenance, backup schedule and termination protection are stored and shown', async () => {
    const res = await t.call<Operation>('PUT', '/dbaas-postgres/alpha', {
      maintenance: { dow: 'never', time: '00:00:00' },
      'backup-schedule': { 'backup-hour': 1, 'backup-minute': 2 },
      'termination-protection': true,
    });
    expect(res.body.state).toBe('success');
    const after = await t.getService('alpha');
    expect(after.maintenance).toMatchObject({ dow: 'never', time: '00:00:00' });
    expect(after['backup-schedule']).toEqual({ 'backup-hour': 1, 'backup-minute': 2 });
    expect(after['termination-protection']).toBe(true);
  });

  it('termination protection refuses a delete, through both paths', async () => {
    for (const path of ['/dbaas-postgres/alpha', '/dbaas-service/alpha']) {
      const res = await t.call<{ message: string }>('DELETE', path);
      expect(res.status).toBe(403);
      expect(res.body.message).toMatch(/termination protection/);
    }
    expect((await t.getService('alpha')).state).toBe('running');
    await t.call('PUT', '/dbaas-postgres/alpha', { 'termination-protection': false });
  });

  it('a plan change restarts with the memory-derived settings, and a concurrent change is refused as busy', async () => {
    const client = await connect(t, svc);
    await client.query('CREATE TABLE kept (v text)');
    await client.query("INSERT INTO kept VALUES ('before the restart')");
    await client.end();
    const started = await postmasterStart(svc);
    const res = await t.call<Operation>('PUT', '/dbaas-postgres/alpha', { plan: 'startup-4' });
    expect(res.body.state).toBe('pending');
    const busy = await t.call<{ code: string; message: string }>('PUT', '/dbaas-postgres/alpha', { maintenance: { dow: 'monday', time: '01:00:00' } });
    expect(busy.status).toBe(409);
    expect(busy.body.code).toBe('busy');
    expect((await t.waitOperation(res.body.id)).state).toBe('success');
    const after = await t.getService('alpha');
    expect(after).toMatchObject({ plan: 'startup-4', 'max-connections': 100, 'node-memory': 4 * 1024 ** 3, state: 'running' });
    const rows = await queryAs(t, after, "SELECT current_setting('shared_buffers') AS sb, current_setting('max_connections') AS mc, (SELECT v FROM kept) AS v");
    expect(rows[0]).toEqual({ sb: '1GB', mc: '100', v: 'before the restart' });
    expect(await postmasterStart(after)).not.toBe(started);
  });
});

describe('delete', () => {
  it('stops the processes, removes the data and frees the name', async () => {
    const beta = await t.createService('beta', { version: '15' });
    const record = t.engine.services.get('beta');
    const root = record && t.engine.serviceRoot(record);
    expect(root && existsSync(root)).toBe(true);
    const pid = record && t.engine.runtime.pid(root ?? '');
    // what a delete leaves for its last moment (its OS user gone, the record not yet): still shown, never a 500
    const halfGone = { ...(record as NonNullable<typeof record>), phase: 'deleting' as const, osUser: 'pgdeck-000000000000' };
    expect(await pendingUpdates(t.engine, halfGone)).toEqual([]);
    const res = await t.call<Operation>('DELETE', '/dbaas-service/beta');
    expect(res.status).toBe(200);
    expect((await t.waitOperation(res.body.id)).state).toBe('success');
    expect((await t.call('GET', '/dbaas-postgres/beta')).status).toBe(404);
    expect(root && existsSync(root)).toBe(false);
    // the postmaster removes its pid file just before it exits
    await expect.poll(() => { try { process.kill(Number(pid), 0); return 'alive'; } catch { return 'gone'; } }, { timeout: 5000 }).toBe('gone');
    await expect(queryAs(t, beta, 'SELECT 1')).rejects.toThrow();
    // the name is free again; the create takes the spare cluster made after the first one
    const spareDir = join(t.dataDir, 'spares', t.engine.binaries.get('15')?.version ?? '');
    const readySpares = () => (existsSync(spareDir) ? readdirSync(spareDir).filter((n) => existsSync(join(spareDir, n, 'ready'))) : []);
    await expect.poll(readySpares, { timeout: 30_000 }).toHaveLength(1);
    const [spare] = readySpares();
    const again = await t.createService('beta', { version: '15' });
    expect(again.state).toBe('running');
    expect(existsSync(join(spareDir, spare ?? ''))).toBe(false);
    const del = await t.call<Operation>('DELETE', '/dbaas-postgres/beta');
    expect((await t.waitOperation(del.body.id)).state).toBe('success');
  });
});
