// Connection pools on a real PgBouncer in front of real PostgreSQL.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operation } from '@/lib/schemas/operation';
import type { ConnectionPool } from '@/lib/schemas/pool';
import type { ServicePg } from '@/lib/schemas/service';
import { bouncerAdmin, stopBouncer, syncBouncer } from '../domain/bouncer';
import { queryAs, removeDataDir, startEngine, type TestEngine } from './harness';

const PGBENCH = '/usr/lib/postgresql/15/bin/pgbench';

let t: TestEngine;
let svc: ServicePg;
let adminPassword: string;

beforeAll(async () => {
  t = await startEngine();
  svc = await t.createService('pooled', { version: '16' });
  adminPassword = svc['uri-params']?.password ?? '';
  await t.call('POST', path('/database'), { 'database-name': 'shop' });
  await t.call('POST', path('/user'), { username: 'app' });
});
afterAll(async () => {
  await t?.stop();
  removeDataDir(t.dataDir);
});

const path = (rest: string) => `/dbaas-postgres/pooled${rest}`;

async function pools(): Promise<ConnectionPool[]> {
  return (await t.getService('pooled'))['connection-pools'] ?? [];
}

async function passwordOf(username: string): Promise<string> {
  const res = await t.call<{ password: string }>('GET', path(`/user/${username}/password/reveal`));
  return res.body.password;
}

/** A client through the pool's connection URI, TLS verified against the engine's CA. */
async function viaPool(pool: ConnectionPool, opts: { user?: string; password?: string } = {}): Promise<pg.Client> {
  const url = new URL(pool['connection-uri']);
  const client = new pg.Client({
    host: url.hostname,
    port: Number(url.port),
    database: url.pathname.slice(1),
    user: opts.user ?? decodeURIComponent(url.username),
    password: opts.password ?? decodeURIComponent(url.password),
    ssl: { ca: t.engine.ca.cert, rejectUnauthorized: true },
    connectionTimeoutMillis: 10_000,
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function one(pool: ConnectionPool, sql: string, opts: { user?: string; password?: string } = {}) {
  const c = await viaPool(pool, opts);
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end().catch(() => undefined);
  }
}

const pool = async (name: string) => (await pools()).find((p) => p.name === name) as ConnectionPool;

describe('connection pools', () => {
  it('runs a PgBouncer per service, listed in components', async () => {
    const c = svc.components?.find((x) => x.component === 'pgbouncer');
    expect(c?.port).toBeGreaterThan(0);
    expect(c?.port).not.toBe(svc.components?.find((x) => x.component === 'pg')?.port);
    expect(t.engine.bouncer?.pid(t.engine.serviceRoot(t.engine.services.get('pooled')!))).toBeGreaterThan(0);
  });

  it('starts one PgBouncer when two callers find it down at once (a supervision round and a request)', async () => {
    const record = t.engine.services.get('pooled')!;
    await stopBouncer(t.engine, record);
    // before, both ran it: the second exited with "unix socket is in use" and failed its caller with a 500
    await Promise.all([syncBouncer(t.engine, 'pooled', { start: true }), syncBouncer(t.engine, 'pooled', { start: true })]);
    const pid = t.engine.bouncer?.pid(t.engine.serviceRoot(record));
    expect(pid).toBeGreaterThan(0);
    expect(await bouncerAdmin(t.engine, 'pooled', 'SHOW VERSION')).toHaveLength(1);
  });

  it('creates a pool that serves whoever logs in with their own password', async () => {
    const res = await t.call<Operation>('POST', path('/connection-pool'), { name: 'web', 'database-name': 'shop' });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('success');
    const web = await pool('web');
    expect(web).toMatchObject({ name: 'web', database: 'shop', mode: 'transaction', size: 10 });
    expect(web.username).toBeUndefined();
    expect(web['connection-uri']).toMatch(new RegExp(`^postgres://avnadmin:[^@]+@127\\.0\\.0\\.1:${svc.components?.find((x) => x.component === 'pgbouncer')?.port}/web\\?sslmode=require$`));
    expect(await one(web, 'SELECT current_database() AS db, current_user AS u')).toEqual([{ db: 'shop', u: 'avnadmin' }]);
    expect(await one(web, 'SELECT current_user AS u', { user: 'app', password: await passwordOf('app') })).toEqual([{ u: 'app' }]);
    await expect(one(web, 'SELECT 1', { user: 'app', password: 'wrong-password' })).rejects.toThrow(/password|SASL|auth/i);
  });

  it('runs a pool with a user as that user, and admits that user only', async () => {
    const res = await t.call<Operation>('POST', path('/connection-pool'), { name: 'appool', 'database-name': 'shop', username: 'app', mode: 'session', size: 3 });
    expect(res.status).toBe(200);
    const p = await pool('appool');
    expect(p).toMatchObject({ mode: 'session', size: 3, username: 'app' });
    expect(p['connection-uri']).toMatch(/^postgres:\/\/app:/);
    expect(await one(p, 'SELECT current_user AS u')).toEqual([{ u: 'app' }]);
    await expect(one(p, 'SELECT 1', { user: 'avnadmin', password: adminPassword })).rejects.toThrow();
  });

  it.each([
    ['an unknown database', { name: 'x', 'database-name': 'nope' }, 404, 'database-name'],
    ['an unknown user', { name: 'x', 'database-name': 'shop', username: 'ghost' }, 404, 'username'],
    ['a duplicate name', { name: 'web', 'database-name': 'shop' }, 409, 'name'],
    ['an unknown mode', { name: 'x', 'database-name': 'shop', mode: 'fast' }, 400, 'mode'],
    ['a size of 0', { name: 'x', 'database-name': 'shop', size: 0 }, 400, 'size'],
    ['a fractional size', { name: 'x', 'database-name': 'shop', size: 2.5 }, 400, 'size'],
    ['a name with a space', { name: 'a b', 'database-name': 'shop' }, 400, 'name'],
    ['a missing database', { name: 'x' }, 400, 'database-name'],
    ['an unknown field', { name: 'x', 'database-name': 'shop', owner: 'me' }, 400, 'owner'],
  ])('refuses %s, changing nothing', async (_what, body, status, field) => {
    const before = await pools();
    const res = await t.call<{ field?: string; message: string }>('POST', path('/connection-pool'), body);
    expect(res.status).toBe(status);
    expect(res.body.field ?? res.body.message).toContain(field);
    expect(await pools()).toEqual(before);
  });

  it('refuses to delete a database or a user that a pool uses', async () => {
    const db = await t.call<{ message: string }>('DELETE', path('/database/shop'));
    expect(db.status).toBe(409);
    expect(db.body.message).toMatch(/web/);
    const user = await t.call<{ message: string }>('DELETE', path('/user/app'));
    expect(user.status).toBe(409);
    expect(user.body.message).toMatch(/appool/);
    expect((await t.getService('pooled')).databases).toContain('shop');
  });

  it('caps server connections at the pool size: 200 clients through a size-10 pool', async () => {
    expect(existsSync(PGBENCH)).toBe(true);
    const env = { ...process.env, PGPASSWORD: adminPassword, PGSSLMODE: 'verify-full', PGSSLROOTCERT: join(t.dataDir, 'ca.pem') };
    writeFileSync(env.PGSSLROOTCERT, t.engine.ca.cert);
    const direct = svc['uri-params'] ?? {};
    await runPgbench(['-i', '-s', '1', '-h', direct.host ?? '', '-p', direct.port ?? '', '-U', 'avnadmin', 'shop'], env);
    const web = new URL((await pool('web'))['connection-uri']);
    let max = 0;
    const sampling = (async () => {
      const deadline = Date.now() + 8000;
      while (Date.now() < deadline) {
        const [row] = await queryAs(t, svc, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = 'shop' AND usename = 'avnadmin' AND backend_type = 'client backend' AND pid <> pg_backend_pid()");
        max = Math.max(max, Number(row?.n));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const out = await runPgbench(['-S', '-n', '-c', '200', '-j', '2', '-T', '6', '-h', web.hostname, '-p', web.port, '-U', 'avnadmin', 'web'], env);
    await sampling;
    expect(out).toMatch(/number of failed transactions: 0 /);
    expect(Number(/number of clients: (\d+)/.exec(out)?.[1])).toBe(200);
    expect(max).toBeGreaterThan(0);
    expect(max).toBeLessThanOrEqual(10);
  }, 60_000);

  it('changes a pool online: a connected client keeps working', async () => {
    const client = await viaPool(await pool('appool'));
    try {
      expect((await client.query('SELECT 1 AS x')).rows).toEqual([{ x: 1 }]);
      const res = await t.call<Operation>('PUT', path('/connection-pool/appool'), { size: 5, mode: 'session' });
      expect(res.status).toBe(200);
      expect(res.body.state).toBe('success');
      expect(await pool('appool')).toMatchObject({ size: 5, mode: 'session', username: 'app', database: 'shop' });
      expect((await client.query('SELECT 2 AS x')).rows).toEqual([{ x: 2 }]);
      // PgBouncer itself runs the pool at the new size
      const [cfg] = await bouncerPools();
      expect(cfg).toMatchObject({ name: 'appool', database: 'shop', force_user: 'app', pool_size: 5, pool_mode: 'session', max_connections: 5 });
    } finally {
      await client.end();
    }
  });

  it('a password reset applies to the pool at once: the new password in, the old one out', async () => {
    const p = await pool('appool');
    const old = await passwordOf('app');
    const res = await t.call<Operation>('PUT', path('/user/app/password/reset'), { password: 'a-new-password-123' });
    expect(res.status).toBe(200);
    expect(await one(p, 'SELECT current_user AS u', { password: 'a-new-password-123' })).toEqual([{ u: 'app' }]);
    await expect(one(p, 'SELECT 1', { password: old })).rejects.toThrow();
  });

  it('refuses a change to an unknown user or pool', async () => {
    expect((await t.call('PUT', path('/connection-pool/appool'), { username: 'ghost' })).status).toBe(404);
    expect((await t.call('PUT', path('/connection-pool/nope'), { size: 2 })).status).toBe(404);
    expect((await t.call('PUT', path('/connection-pool/appool'), { size: 20000 })).status).toBe(400);
    expect(await pool('appool')).toMatchObject({ size: 5, username: 'app' });
  });

  it('applies the ip-filter to PgBouncer too', async () => {
    const web = await pool('web');
    expect((await t.call<Operation>('PUT', '/dbaas-postgres/pooled', { 'ip-filter': ['10.0.0.0/8'] })).status).toBe(200);
    await expect(one(web, 'SELECT 1')).rejects.toThrow();
    expect((await t.call<Operation>('PUT', '/dbaas-postgres/pooled', { 'ip-filter': ['0.0.0.0/0', '::/0'] })).status).toBe(200);
    expect(await one(web, 'SELECT 1 AS x')).toEqual([{ x: 1 }]);
  });

  it('pgbouncer-settings reach PgBouncer: SHOW CONFIG, and autodb pools for databases without a pool', async () => {
    const config = async () => Object.fromEntries((await bouncerAdmin(t.engine, 'pooled', 'SHOW CONFIG')).map((r) => [r.key, r.value]));
    // a database without a pool of its own: refused while autodb is off
    const shop = { ...(await pool('web')), 'connection-uri': (await pool('web'))['connection-uri'].replace('/web?', '/defaultdb?') };
    await expect(one(shop, 'SELECT 1')).rejects.toThrow();
    const res = await t.call<Operation>('PUT', '/dbaas-postgres/pooled', {
      'pgbouncer-settings': { server_idle_timeout: 120, autodb_pool_size: 4, autodb_pool_mode: 'session', ignore_startup_parameters: ['extra_float_digits', 'search_path'] },
    });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('success');
    expect(await config()).toMatchObject({ server_idle_timeout: '120', ignore_startup_parameters: 'extra_float_digits,search_path' });
    expect(await one(shop, 'SELECT current_database() AS db')).toEqual([{ db: 'defaultdb' }]);
    // a refused value changes nothing in PgBouncer either
    const bad = await t.call<{ field: string }>('PUT', '/dbaas-postgres/pooled', { 'pgbouncer-settings': { server_idle_timeout: -1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('pgbouncer-settings.server_idle_timeout');
    expect(await config()).toMatchObject({ server_idle_timeout: '120' });
    // back to the defaults: autodb off again
    expect((await t.call<Operation>('PUT', '/dbaas-postgres/pooled', { 'pgbouncer-settings': { server_idle_timeout: null, autodb_pool_size: null, autodb_pool_mode: null, ignore_startup_parameters: null } })).status).toBe(200);
    expect(await config()).toMatchObject({ server_idle_timeout: '600' });
    await expect(one(shop, 'SELECT 1')).rejects.toThrow();
  });

  it('deletes a pool: its name no longer connects, the database can go', async () => {
    const web = await pool('web');
    expect((await t.call<Operation>('DELETE', path('/connection-pool/web'))).status).toBe(200);
    expect((await pools()).map((p) => p.name)).toEqual(['appool']);
    await expect(one(web, 'SELECT 1')).rejects.toThrow();
    expect((await t.call('DELETE', path('/connection-pool/web'))).status).toBe(404);
  });

  it('restarts a PgBouncer that dies, and says so in notifications', async () => {
    const rt = t.engine.bouncer!;
    const root = t.engine.serviceRoot(t.engine.services.get('pooled')!);
    const pid = rt.pid(root)!;
    process.kill(pid, 'SIGKILL');
    const deadline = Date.now() + 20_000;
    while ((rt.pid(root) === null || rt.pid(root) === pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(rt.pid(root)).not.toBe(pid);
    // the restart is recorded once PgBouncer answers
    let types: string[] = [];
    while (!types.includes('service_pgbouncer_restarted') && Date.now() < deadline) {
      types = (await t.getService('pooled')).notifications?.map((n) => n.type) ?? [];
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(types).toContain('service_pgbouncer_exited');
    expect(types).toContain('service_pgbouncer_restarted');
    expect(await one(await pool('appool'), 'SELECT 1 AS x')).toEqual([{ x: 1 }]);
  });
});

async function bouncerPools(): Promise<Record<string, unknown>[]> {
  return (await bouncerAdmin(t.engine, 'pooled', 'SHOW DATABASES')).filter((r) => r.name === 'appool');
}

function runPgbench(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(PGBENCH, args, { env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`pgbench ${args.join(' ')} exited ${code}: ${out.slice(-2000)}`))));
  });
}
