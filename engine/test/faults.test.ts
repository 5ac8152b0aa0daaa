// Faults from issue 8, each injected for real and each ending in a correct,
// unstuck state: the engine killed (SIGKILL) at the named points of a
// password reset and a user create, files the engine cannot write, a removed
// socket directory, a PgBouncer killed with SIGKILL, an engine restarted under
// several stopped services.
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operation } from '@/lib/schemas/operation';
import type { ConnectionPool } from '@/lib/schemas/pool';
import type { ServicePg } from '@/lib/schemas/service';
import { bouncerPaths } from '../runtime/pgbouncer';
import { paths } from '../runtime/instance';
import { queryAs, type TestEngine } from './harness';
import { processesUnder, until, type EngineProcess } from './engine-process';
import { Fixtures } from './fixtures';
import { bouncerAdmin } from '../domain/bouncer';
import { masterOf, masterSpec } from '../domain/lookup';

const f = new Fixtures();
const { newDataDir, engineOn } = f;
afterAll(() => f.cleanup(), 300_000);

const pgPortBase = () => 41000 + Math.floor(Math.random() * 40) * 100;

type Notification = NonNullable<ServicePg['notifications']>[number];
const notificationsOf = async (t: TestEngine, name: string): Promise<Notification[]> => (await t.getService(name)).notifications ?? [];

/** A client through a pool's connection URI, TLS verified against the engine's CA. */
async function throughPool(t: TestEngine, pool: ConnectionPool, user: string, password: string): Promise<unknown> {
  const url = new URL(pool['connection-uri']);
  const client = new pg.Client({
    host: url.hostname, port: Number(url.port), database: url.pathname.slice(1), user, password,
    ssl: { ca: t.engine.ca.cert, rejectUnauthorized: true }, connectionTimeoutMillis: 10_000,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query('SELECT current_user AS u')).rows[0];
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** An engine process that kills itself (SIGKILL) at `point`, with a service, a pool `p` and (`withUser`) a user `app` made before. */
async function engineThatCrashesAt(point: string, withUser: boolean): Promise<{ e: EngineProcess; dataDir: string }> {
  const dataDir = newDataDir();
  const e = await f.engineProcess(dataDir, pgPortBase(), { PGDECK_CRASH_AT: point });
  const created = await e.call<Operation>('POST', '/dbaas-postgres/crashy', { plan: 'hobbyist-2', version: '16' });
  expect((await e.waitOperation(created.body.id)).state).toBe('success');
  if (withUser) expect((await e.call('POST', '/dbaas-postgres/crashy/user', { username: 'app' })).status).toBe(200);
  expect((await e.call('POST', '/dbaas-postgres/crashy/connection-pool', { name: 'p', 'database-name': 'defaultdb' })).status).toBe(200);
  return { e, dataDir };
}

async function expectKilled(e: EngineProcess, request: Promise<unknown>): Promise<void> {
  await request.catch(() => undefined); // the connection dies with the engine
  expect((await e.exited).signal).toBe('SIGKILL');
  f.forget(e);
}

describe('the engine killed at the named points, then started again', () => {
  it('during a password reset (PostgreSQL has the new password, PgBouncer not yet): through pools the new one works, the old one not', async () => {
    const { e, dataDir } = await engineThatCrashesAt('reset-password:applied', true);
    const old = (await e.call<{ password: string }>('GET', '/dbaas-postgres/crashy/user/app/password/reveal')).body.password;
    await expectKilled(e, e.call('PUT', '/dbaas-postgres/crashy/user/app/password/reset', { password: 'brand-new-password-1' }));

    const t = await engineOn(dataDir);
    const svc = await t.getService('crashy');
    const pool = svc['connection-pools']?.find((p) => p.name === 'p') as ConnectionPool;
    expect(svc.users?.find((u) => u.username === 'app')?.password).toBe('brand-new-password-1');
    expect(await throughPool(t, pool, 'app', 'brand-new-password-1')).toEqual({ u: 'app' });
    await expect(throughPool(t, pool, 'app', old)).rejects.toThrow(/password authentication failed|SASL/);
    expect(await queryAs(t, svc, 'SELECT 1 AS ok', { user: 'app', password: 'brand-new-password-1' })).toEqual([{ ok: 1 }]);
  });

  it('during a user create (the role exists, PgBouncer does not know it yet): the user logs in through pools', async () => {
    const { e, dataDir } = await engineThatCrashesAt('create-user:role-created', false);
    await expectKilled(e, e.call('POST', '/dbaas-postgres/crashy/user', { username: 'late' }));

    const t = await engineOn(dataDir);
    const svc = await t.getService('crashy');
    const late = svc.users?.find((u) => u.username === 'late');
    expect(late?.password).toBeTruthy();
    const pool = svc['connection-pools']?.find((p) => p.name === 'p') as ConnectionPool;
    expect(await throughPool(t, pool, 'late', late?.password ?? '')).toEqual({ u: 'late' });
  });
});

describe('files the engine cannot write', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await engineOn();
    await t.createService('stuck', { version: '17' });
  });
  const root = () => t.engine.serviceRoot(t.engine.services.get('stuck') as NonNullable<ReturnType<TestEngine['engine']['services']['get']>>);

  it('postgresql.conf: the settings change fails with its reason, nothing is stored, the next change goes through', async () => {
    // an atomic write goes through postgresql.conf.tmp; a directory there makes every write fail
    const blocker = join(paths(root()).data, 'postgresql.conf.tmp');
    mkdirSync(blocker);
    const change = { 'pg-settings': { max_parallel_workers: 3 } };
    const failed = await t.call<{ message: string }>('PUT', '/dbaas-postgres/stuck', change);
    expect(failed.status).toBe(500);
    expect(failed.body.message).toMatch(/postgresql\.conf/);
    expect(t.engine.operations.pendingFor('stuck')).toBeUndefined();
    expect((await t.getService('stuck'))['pg-settings']?.max_parallel_workers).toBeUndefined();
    rmSync(blocker, { recursive: true });
    const ok = await t.call<Operation>('PUT', '/dbaas-postgres/stuck', change);
    expect(ok.status).toBe(200);
    expect(ok.body.state).toBe('success');
    expect(await queryAs(t, await t.getService('stuck'), 'SHOW max_parallel_workers')).toEqual([{ max_parallel_workers: '3' }]);
  });

  it("PgBouncer's files: the user create fails and is undone everywhere, the next create goes through", async () => {
    // a new user changes PgBouncer's userlist.txt (pgbouncer.ini stays as it is, and is not written again)
    const blocker = `${bouncerPaths(root()).users}.tmp`;
    mkdirSync(blocker);
    const failed = await t.call<{ message: string }>('POST', '/dbaas-postgres/stuck/user', { username: 'ghost' });
    expect(failed.status).toBe(500);
    expect(failed.body.message).toMatch(/userlist\.txt/);
    const svc = await t.getService('stuck');
    expect(svc.users?.map((u) => u.username)).not.toContain('ghost');
    expect(await t.engine.runtime.query(masterSpec(t.engine, t.engine.services.get('stuck') as never), "SELECT 1 FROM pg_roles WHERE rolname = 'ghost'")).toEqual([]);
    rmSync(blocker, { recursive: true });
    expect((await t.call('POST', '/dbaas-postgres/stuck/user', { username: 'ghost' })).status).toBe(200);
    expect((await t.getService('stuck')).users?.map((u) => u.username)).toContain('ghost');
  });
});

describe('what the engine owns, taken away', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await engineOn();
    await t.createService('fragile', { version: '17' });
  });
  const record = () => t.engine.services.get('fragile') as NonNullable<ReturnType<TestEngine['engine']['services']['get']>>;

  it("a removed socket directory comes back with its owner and mode, and the service with it", async () => {
    const run = paths(t.engine.serviceRoot(record())).run;
    rmSync(run, { recursive: true, force: true });
    await until('the engine to reach PostgreSQL and PgBouncer again', async () => {
      await t.engine.runtime.query(masterSpec(t.engine, record()), 'SELECT 1');
      return (await bouncerAdmin(t.engine, 'fragile', 'SHOW VERSION')).length > 0;
    }, 30_000, 200);
    const st = statSync(run);
    expect({ mode: st.mode & 0o777, uid: st.uid }).toEqual({ mode: 0o700, uid: t.engine.serviceRunAs(record())?.uid ?? process.getuid?.() });
    expect((await notificationsOf(t, 'fragile')).map((n) => n.type)).toContain('service_socket_lost');
    expect(await queryAs(t, await t.getService('fragile'), 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  it('a socket directory removed while the engine was down is back after its start, and so is the service', async () => {
    const dataDir = t.dataDir;
    const run = paths(t.engine.serviceRoot(record())).run;
    await f.abandon(t);
    rmSync(run, { recursive: true, force: true });
    t = await engineOn(dataDir);
    expect((await t.getService('fragile')).state).toBe('running');
    const st = statSync(run);
    expect({ mode: st.mode & 0o777, uid: st.uid }).toEqual({ mode: 0o700, uid: t.engine.serviceRunAs(record())?.uid ?? process.getuid?.() });
    expect((await bouncerAdmin(t.engine, 'fragile', 'SHOW VERSION')).length).toBeGreaterThan(0);
    expect(await queryAs(t, await t.getService('fragile'), 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  it('a PgBouncer killed with SIGKILL is back at the first attempt (its stale pidfile removed), and every notification says why', async () => {
    const root = t.engine.serviceRoot(record());
    const before = t.engine.bouncer?.pid(root) as number;
    process.kill(before, 'SIGKILL');
    await until('PgBouncer to run again', () => {
      const pid = t.engine.bouncer?.pid(root);
      return pid != null && pid !== before;
    }, 30_000, 100);
    await until('the restart to be noted', async () => (await notificationsOf(t, 'fragile')).some((n) => n.type === 'service_pgbouncer_restarted'), 10_000);
    const notes = await notificationsOf(t, 'fragile');
    expect(notes.map((n) => n.type), JSON.stringify(notes)).not.toContain('service_pgbouncer_restart_failed');
    for (const n of notes) expect(n.message.trim().length).toBeGreaterThan(10);
  });
});

describe('a port another program took while the service was down', () => {
  it('is reported with the program holding it; the service shows rebuilding, never running on a stranger, and comes back once it is free', async () => {
    const t = await engineOn();
    await t.createService('squatted', { version: '17' });
    const rec = t.engine.services.get('squatted') as NonNullable<ReturnType<TestEngine['engine']['services']['get']>>;
    await t.supervisor.stop();
    await t.engine.runtime.stop(masterSpec(t.engine, rec), 'fast');
    const port = masterOf(t.engine, rec).port;
    const stranger = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => stranger.listen(port, t.engine.config.pgHost, resolve));
    try {
      t.supervisor.start();
      const taken = await until('the port to be reported taken', async () => (await notificationsOf(t, 'squatted')).find((n) => n.type === 'service_port_taken'), 30_000, 200);
      expect(taken.message).toContain(String(port));
      expect(taken.message).toContain(`pid ${process.pid}`);
      expect((await t.getService('squatted')).state).toBe('rebuilding');
    } finally {
      await new Promise((resolve) => stranger.close(resolve));
    }
    await until('the service to run again on its own port', async () => (await t.getService('squatted')).state === 'running', 30_000, 200);
    expect((await t.getService('squatted'))['uri-params']?.port).toBe(String(port));
    // running is told from the postmaster's pid, which comes a moment before it takes connections: a client retries
    await until('a query to answer', async () => (await queryAs(t, await t.getService('squatted'), 'SELECT 1 AS ok').catch(() => []))[0]?.ok === 1, 30_000, 200);
  });
});

describe('an engine started under several stopped services', () => {
  it('listens first, then brings them up; each shows rebuilding until it runs', async () => {
    const dataDir = newDataDir();
    const base = pgPortBase();
    const first = await f.engineProcess(dataDir, base);
    const names = ['s1', 's2', 's3'];
    const ops = await Promise.all(names.map((n) => first.call<Operation>('POST', `/dbaas-postgres/${n}`, { plan: 'hobbyist-2', version: '16' })));
    for (const op of ops) expect((await first.waitOperation(op.body.id)).state).toBe('success');
    await f.stopDatabases(dataDir); // the engine first, then every instance
    f.forget(first);

    const second = await f.engineProcess(dataDir, base);
    const listening = second.output.findIndex((l) => /API at /.test(l));
    await until('every service to run', async () => {
      const list = await second.call<{ 'dbaas-services': { name: string; state: string }[] }>('GET', '/dbaas-service');
      return list.body['dbaas-services'].every((s) => s.state === 'running');
    }, 60_000, 100);
    const started = names.map((n) => second.output.findIndex((l) => l.startsWith(`${n}-1: PostgreSQL started`)));
    // each was started by this engine, after the API listened
    for (const i of started) expect(i).toBeGreaterThan(listening);
    await f.killEngine(second, 'SIGTERM');
  }, 300_000);
});

describe('the engine stopped while a supervision round restarts PgBouncer', () => {
  // The round saw PgBouncer gone and is starting it again when the engine and its data plane are stopped:
  // the stop waits for the round, so no PgBouncer it started outlives the stop (a CI run once found one).
  it('leaves no process behind', async () => {
    const t = await engineOn();
    const rec = (await t.createService('stopping', { version: '17' }), t.engine.services.get('stopping'));
    const root = t.engine.serviceRoot(rec as NonNullable<typeof rec>);
    process.kill(t.engine.bouncer?.pid(root) as number, 'SIGKILL');
    await until('the round to take it up', async () => (await notificationsOf(t, 'stopping')).some((n) => n.type === 'service_pgbouncer_exited'), 30_000, 20);
    await f.stopEngine(t);
    expect(processesUnder(t.dataDir)).toEqual([]);
  }, 120_000);
});
