// Crashes, against real PostgreSQL: a postmaster killed with SIGKILL, an
// engine restarted under running instances, an engine killed in the middle of
// a create, and an engine stopped with SIGTERM.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Operation } from '@/lib/schemas/operation';
import type { ServicePg } from '@/lib/schemas/service';
import { connect, queryAs, type TestEngine } from './harness';
import { processesUnder, runningPostmasters, sleep, until, type ProcInfo } from './engine-process';
import { Fixtures } from './fixtures';
import { signal } from '../runtime/process';
import { recentLog } from '../runtime/instance';

const f = new Fixtures();
const { newDataDir, engineOn, abandon, stopEngine, killEngine, forget } = f;
const engineProcess = (dataDir: string, pgPortBase: number) => f.engineProcess(dataDir, pgPortBase);

// In-process engines allocate instance ports from here: away from the default
// (25432) other engine test files use, should they run at the same time.
beforeAll(() => {
  vi.stubEnv('PGDECK_PG_PORT_BASE', '33432');
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await f.cleanup();
}, 300_000);

const caOf = (dataDir: string) => ({ engine: { ca: { cert: readFileSync(join(dataDir, 'ca', 'ca.crt'), 'utf8') } } }) as Pick<TestEngine, 'engine'>;

function fail(message: string): never {
  throw new Error(message);
}

function postmasterOf(t: TestEngine, name: string): number | null {
  const record = t.engine.services.get(name);
  if (!record) throw new Error(`no service ${name} in the store`);
  return t.engine.runtime.pid(t.engine.serviceRoot(record));
}

/**
 * Processes under the data directory that no running service owns: anything
 * but the postmaster of a running service, that postmaster's children, and
 * the service's PgBouncer.
 */
function orphans(t: TestEngine): ProcInfo[] {
  const owners = new Set<number>();
  for (const svc of t.engine.services.list()) {
    const root = t.engine.serviceRoot(svc);
    const pid = t.engine.runtime.pid(root);
    if (pid !== null && svc.phase === 'running') owners.add(pid);
    const pgbouncer = t.engine.bouncer?.pid(root) ?? null;
    if (pgbouncer !== null && svc.phase === 'running') owners.add(pgbouncer);
  }
  return processesUnder(t.dataDir).filter((p) => !owners.has(p.pid) && !owners.has(p.ppid));
}

/**
 * No process under the data directory but running services' postmasters and
 * their children. `graceMs`: how long children of a killed engine (initdb,
 * cp, pg_ctl) may take to finish what they were doing.
 */
async function expectNoOrphans(t: TestEngine, graceMs = 20_000): Promise<void> {
  const deadline = Date.now() + graceMs;
  let left = orphans(t);
  while (left.length && Date.now() < deadline) {
    await sleep(200);
    left = orphans(t);
  }
  expect(left.map((p) => `${p.pid} (parent ${p.ppid}) in ${p.cwd}: ${p.cmd}`)).toEqual([]);
}

describe('a postmaster killed with SIGKILL, an engine restarted', () => {
  let t: TestEngine;

  beforeAll(async () => {
    t = await engineOn();
    const svc = await t.createService('kill9');
    await queryAs(t, svc, 'CREATE TABLE survivors (id int PRIMARY KEY, note text)');
    await queryAs(t, svc, "INSERT INTO survivors VALUES (1, 'committed before the kill')");
  });

  it('restarts a killed postmaster, keeps committed data and tells the user in notifications', async () => {
    const before = postmasterOf(t, 'kill9');
    expect(before).toBeTypeOf('number');
    process.kill(before as number, 'SIGKILL');

    const after = await until('a new postmaster for kill9', () => {
      const pid = postmasterOf(t, 'kill9');
      return pid !== null && pid !== before ? pid : null;
    }, 60_000, 200);
    expect(after).not.toBe(before);

    const svc = await until('kill9 to show running', async () => {
      const s = await t.getService('kill9');
      return s.state === 'running' ? s : null;
    }, 60_000, 200);
    // TLS connection, verified against the engine CA, and the committed row is there.
    const rows = await until('a TLS connection to kill9', () => queryAs(t, svc, 'SELECT id, note, current_setting(\'ssl\') AS ssl FROM survivors'), 30_000, 500);
    expect(rows).toEqual([{ id: 1, note: 'committed before the kill', ssl: 'on' }]);
    const [tls] = await queryAs(t, svc, 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    expect(tls?.ssl).toBe(true);

    const notes = await until('the restart notice', async () => {
      const n = (await t.getService('kill9')).notifications ?? [];
      return n.some((x) => x.type === 'service_process_restarted') ? n : null;
    }, 30_000, 200);
    const exited = notes.find((n) => n.level === 'warning' && n.type === 'service_process_exited');
    expect(exited?.message).toMatch(/stopped unexpectedly/);
    expect(exited?.message).toContain(String(before));
    expect(exited?.metadata?.['postmaster-pid']).toBe(before);
    const restarted = notes.find((n) => n.level === 'notice' && n.type === 'service_process_restarted');
    expect(restarted?.message).toMatch(/restarted/);
    expect(restarted?.metadata?.['postmaster-pid']).toBe(after);
    // newest first: the restart comes after the exit
    expect(notes.indexOf(restarted as (typeof notes)[number])).toBeLessThan(notes.indexOf(exited as (typeof notes)[number]));
  }, 180_000);

  it('a backend killed with SIGKILL: PostgreSQL recovers on its own, the same postmaster runs, and notifications say so', async () => {
    const svc = await t.getService('kill9');
    const postmaster = postmasterOf(t, 'kill9');
    const victim = await connect(t, svc);
    const backend = Number((await victim.query('SELECT pg_backend_pid() AS pid')).rows[0]?.pid);
    process.kill(backend, 'SIGKILL');
    await victim.end().catch(() => undefined);

    const note = await until('the backend crash notification', async () => {
      const n = (await t.getService('kill9')).notifications ?? [];
      return n.find((x) => x.type === 'service_backend_crashed') ?? null;
    }, 30_000, 200);
    expect(note.level).toBe('warning');
    expect(note.message).toContain(`pid ${backend}`);
    expect(note.metadata).toMatchObject({ 'backend-pid': backend, signal: 9, 'postmaster-pid': postmaster });
    // the postmaster did not stop: it reset the sessions and recovered
    expect(postmasterOf(t, 'kill9')).toBe(postmaster);
    const rows = await until('a connection after the recovery', () => queryAs(t, svc, 'SELECT count(*)::int AS n FROM survivors'), 30_000, 300);
    expect(rows).toEqual([{ n: 1 }]);
  }, 120_000);

  it('adopts running instances on an engine restart: same postmaster, open connections keep working', async () => {
    const svc = await t.createService('adopted');
    const client = await connect(t, svc);
    try {
      await client.query('CREATE TABLE t (v int)');
      await client.query('INSERT INTO t VALUES (42)');
      const pid = postmasterOf(t, 'adopted');
      const kill9Pid = postmasterOf(t, 'kill9');
      expect(pid).toBeTypeOf('number');
      const bouncerPid = t.engine.bouncer?.pid(t.engine.serviceRoot(t.engine.services.get('adopted') ?? fail('adopted is not in the store')));
      expect(bouncerPid).toBeTypeOf('number');
      const notesBefore = (await t.getService('adopted')).notifications ?? [];

      // The engine goes away without stopping its instances (as a crash or an upgrade would)...
      const dataDir = t.dataDir;
      const root = t.engine.serviceRoot(t.engine.services.get('adopted') ?? fail('adopted is not in the store'));
      const runtime = t.engine.runtime;
      await abandon(t);
      expect(runtime.pid(root)).toBe(pid);
      // ...and comes back on the same data directory.
      t = await engineOn(dataDir);

      expect(postmasterOf(t, 'adopted')).toBe(pid);
      expect(postmasterOf(t, 'kill9')).toBe(kill9Pid);
      // PgBouncer is adopted too
      expect(t.engine.bouncer?.pid(root)).toBe(bouncerPid);
      const again = await t.getService('adopted');
      expect(again.state).toBe('running');
      // The database never stopped: the connection made before the restart still works.
      expect((await client.query('SELECT v FROM t')).rows).toEqual([{ v: 42 }]);
      await client.query('INSERT INTO t VALUES (43)');
      expect(await queryAs(t, again, 'SELECT v FROM t ORDER BY v')).toEqual([{ v: 42 }, { v: 43 }]);
      // Adopted, not restarted: no new notification, and still the same postmaster a moment later.
      await sleep(1500);
      expect(postmasterOf(t, 'adopted')).toBe(pid);
      expect((await t.getService('adopted')).notifications ?? []).toEqual(notesBefore);
    } finally {
      await client.end().catch(() => undefined);
    }
  }, 180_000);
});

/** What the store says about a service after a restart: running and reachable, or gone without a trace. */
async function expectRunningOrGone(t: TestEngine, name: string, op: Operation, pgPortBase: number): Promise<'running' | 'gone'> {
  const res = await t.call<ServicePg>('GET', `/dbaas-postgres/${name}`);
  if (op.state === 'success') {
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('running');
    expect(Number(res.body['uri-params']?.port)).toBeGreaterThanOrEqual(pgPortBase);
    expect(await queryAs(t, res.body, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    expect(readdirSync(join(t.dataDir, 'services'))).toHaveLength(1);
    return 'running';
  }
  expect(op.state).toBe('failure');
  expect(res.status).toBe(404);
  expect(readdirSync(join(t.dataDir, 'services'))).toEqual([]);
  return 'gone';
}

interface Interrupted {
  t: TestEngine;
  dataDir: string;
  op: Operation;
  outcome: 'running' | 'gone';
  /** The service's postmaster when the engine was killed, if it had one. */
  postmasterAtKill: number | undefined;
}

/**
 * Creates a service through an engine process, kills that engine with SIGKILL
 * when `killWhen` resolves (the create still pending, unless `mustBePending` is
 * false: a late kill can race the end of the create), starts the engine again
 * on the same data directory and waits for the create to end.
 */
async function crashDuringCreate(
  name: string,
  version: string,
  pgPortBase: number,
  killWhen: (dataDir: string) => Promise<unknown>,
  mustBePending = true,
): Promise<Interrupted> {
  // the create builds its template: the crash points are in that work
  const dataDir = newDataDir({ templates: false });
  const e = await engineProcess(dataDir, pgPortBase);
  const res = await e.call<Operation>('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2', version });
  expect(res.status).toBe(200);
  expect(res.body.state).toBe('pending');
  await killWhen(dataDir);
  const [postmasterAtKill] = runningPostmasters(dataDir).values();
  const stateAtKill = (await e.call<Operation>('GET', `/operation/${res.body.id}`)).body.state;
  expect((await killEngine(e, 'SIGKILL')).signal).toBe('SIGKILL');
  if (mustBePending) expect(stateAtKill).toBe('pending');
  else if (stateAtKill !== 'pending') console.log(`${name}: the create had already ended (${stateAtKill}) when the engine was killed`);

  const t = await engineOn(dataDir);
  const op = await t.waitOperation(res.body.id, 180_000);
  expect(['success', 'failure']).toContain(op.state);
  const outcome = await expectRunningOrGone(t, name, op, pgPortBase);
  console.log(`${name}: create interrupted, then ${outcome} (${op.state}${op.message ? `: ${op.message.slice(0, 300)}` : ''})`);
  return { t, dataDir, op, outcome, postmasterAtKill };
}

/** After an interrupted create, another create of the same major works and everything stops cleanly. */
async function expectCreateWorksThenStop(r: Interrupted, version: string, graceMs?: number): Promise<void> {
  await expectNoOrphans(r.t, graceMs);
  const svc = await r.t.createService(r.outcome === 'running' ? 'after-crash' : 'after-crash-2', { version });
  expect(await queryAs(r.t, svc, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  await expectNoOrphans(r.t);
  await stopEngine(r.t);
  expect(processesUnder(r.dataDir)).toEqual([]);
}

describe('the engine killed with SIGKILL in the middle of a create', () => {
  it('early (300-800 ms in, the template being built): the create ends, the service runs or is gone, no orphan process', async () => {
    const r = await crashDuringCreate('crash-early', '17', 34432, () => sleep(300 + Math.floor(Math.random() * 500)));
    await expectCreateWorksThenStop(r, '17');
  }, 420_000);

  it('late (the service\'s postmaster started): the create ends, the service runs or is gone, no orphan process', async () => {
    const r = await crashDuringCreate('crash-late', '16', 35432, (dataDir) =>
      until('the new service\'s postmaster', () => runningPostmasters(dataDir).size > 0, 180_000, 20), false);
    expect(r.postmasterAtKill).toBeTypeOf('number');
    if (r.outcome === 'running') {
      // finished on the instance already running: no second postmaster
      expect(postmasterOf(r.t, 'crash-late')).toBe(r.postmasterAtKill);
    }
    await expectCreateWorksThenStop(r, '16');
  }, 420_000);

  // A template is built in a directory of its own (templates/<version>.build-*)
  // and published by rename; the next start stops and removes what a killed
  // build left, so its postmaster is neither orphaned nor in the way.
  it('while the template postmaster runs: the create ends, no orphan process, the next create works', async () => {
    const templateUp = (dataDir: string) => {
      const dir = join(dataDir, 'templates');
      return readdirSync(dir).some((v) => existsSync(join(dir, v, 'run', '.s.PGSQL.5432')));
    };
    const r = await crashDuringCreate('crash-template', '15', 36432, (dataDir) =>
      until('the template postmaster', () => templateUp(dataDir), 180_000, 5));
    try {
      // The killed engine ran no initdb, cp or pg_ctl at that point: nothing may be left once the create has ended.
      await expectCreateWorksThenStop(r, '15', 2000);
    } catch (err) {
      console.log(`crash-template (known engine bug): ${(err as Error).message.slice(0, 600)}`);
      throw err;
    }
  }, 420_000);
});

describe('the engine killed with SIGKILL while it builds templates at start', () => {
  // engine/main.ts builds every major's template in the background for the settings document
  it('the next start stops the initdb a killed engine left, and removes its directory', async () => {
    const dataDir = newDataDir({ templates: false });
    const e = await engineProcess(dataDir, 38432);
    const initdb = () => processesUnder(join(dataDir, 'templates')).filter((p) => p.cmd.includes('initdb'));
    await until('an initdb of a template', () => initdb().length > 0, 180_000, 5);
    // stopped (SIGSTOP) first, it stands for an initdb still busy at the next start: a running one would die of
    // SIGPIPE at its next line of output once the engine is gone, and the race would decide what this test sees
    for (const p of processesUnder(join(dataDir, 'templates'))) signal(p.pid, 'SIGSTOP');
    expect((await killEngine(e, 'SIGKILL')).signal).toBe('SIGKILL');
    expect(initdb().length).toBeGreaterThan(0);
    const t = await engineOn(dataDir);
    // ...until the next start, which stops it and removes the unfinished build
    expect(processesUnder(dataDir)).toEqual([]);
    expect(readdirSync(join(dataDir, 'templates')).filter((d) => d.includes('.build-'))).toEqual([]);
    await stopEngine(t);
  }, 300_000);
});

describe('the databases stopped with `npm run engine -- stop`', () => {
  it('stops the engine, then every instance cleanly; the next run starts them again with no crash recovery', async () => {
    const dataDir = newDataDir();
    const pgPortBase = 37432;
    let e = await engineProcess(dataDir, pgPortBase);
    const res = await e.call<Operation>('POST', '/dbaas-postgres/graceful', { plan: 'hobbyist-2' });
    expect(res.status).toBe(200);
    expect((await e.waitOperation(res.body.id, 180_000)).state).toBe('success');
    const svc = (await e.call<ServicePg>('GET', '/dbaas-postgres/graceful')).body;
    expect(svc.state).toBe('running');
    const ca = caOf(dataDir);
    await queryAs(ca, svc, 'CREATE TABLE kept (v text)');
    await queryAs(ca, svc, "INSERT INTO kept VALUES ('before the stop')");
    const [before] = runningPostmasters(dataDir).values();
    expect(before).toBeTypeOf('number');
    expect(processesUnder(dataDir).length).toBeGreaterThan(0);

    const stop = await f.stopDatabases(dataDir);
    expect(stop).toMatch(/stopped the engine/);
    expect(await e.exited).toEqual({ code: 0, signal: null });
    forget(e);
    expect(processesUnder(dataDir)).toEqual([]);
    expect(runningPostmasters(dataDir).size).toBe(0);
    // a fast shutdown, not a crash: the log says so
    const [id] = readdirSync(join(dataDir, 'services'));
    const root = join(dataDir, 'services', id ?? '');
    const stopped = recentLog(root);
    expect(stopped).toMatch(/received fast shutdown request/);
    expect(stopped.trimEnd()).toMatch(/database system is shut down$/);

    e = await engineProcess(dataDir, pgPortBase);
    // the API answers first; the service shows rebuilding until the engine has started it
    const again = await until('the service to run again', async () => {
      const body = (await e.call<ServicePg>('GET', '/dbaas-postgres/graceful')).body;
      return body.state === 'running' && body;
    }, 60_000);
    const [after] = runningPostmasters(dataDir).values();
    expect(after).toBeTypeOf('number');
    expect(after).not.toBe(before);
    expect(await queryAs(ca, again, 'SELECT v FROM kept')).toEqual([{ v: 'before the stop' }]);
    // started from a clean shutdown: no crash recovery
    const all = recentLog(root, 256 * 1024);
    const restarted = all.slice(all.lastIndexOf('database system is shut down'));
    expect(restarted).toMatch(/database system was shut down at/);
    expect(restarted).not.toMatch(/not properly shut down|was interrupted|automatic recovery/);

    // SIGTERM stops the engine only: the database keeps serving
    expect(await killEngine(e, 'SIGTERM')).toEqual({ code: 0, signal: null });
    expect([...runningPostmasters(dataDir).values()]).toEqual([after]);
    expect(await queryAs(ca, again, 'SELECT v FROM kept')).toEqual([{ v: 'before the stop' }]);
  }, 420_000);
});
