// Maintenance updates for real: services created on PostgreSQL 16.13 (the
// pg16-prev package) and an older PgBouncer build, the engine stopped (the
// databases keep running), pg16 pointed at 16.14, the engine started again.
// The updates are listed, applied on demand and in the window, and a minor
// whose postgres does not start is rolled back.
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operation } from '@/lib/schemas/operation';
import type { ConnectionPool } from '@/lib/schemas/pool';
import type { ServicePg } from '@/lib/schemas/service';
import { masterSpec } from '../domain/lookup';
import { maintenanceJobName } from '../domain/maintenance';
import { forgetProbes } from '../domain/maintenance-updates';
import { nextWindow } from '../domain/maintenance-window';
import { paths } from '../runtime/instance';
import { certificateExpiry, issueServerCert } from '../runtime/tls';
import { queryAs, type TestEngine } from './harness';
import { Fixtures } from './fixtures';

const f = new Fixtures();
const modules = join(import.meta.dirname, '..', '..', 'node_modules');
const saved = { packages: process.env.PGDECK_PG_PACKAGES, pgbouncer: process.env.PGDECK_PGBOUNCER };
const scratch = mkdtempSync(join(tmpdir(), 'pgdeck-maint-'));
/** The package root the engine takes its binaries from: pg16 only, pointed at one minor or another. */
const packages = join(scratch, 'packages');
let t: TestEngine;
let dataDir: string;

function pointPg16(at: string): void {
  rmSync(join(packages, 'pg16'), { force: true });
  symlinkSync(at, join(packages, 'pg16'));
}

/** Stops the engine the way `npm start`'s Ctrl-C does (the databases keep running) and starts it again. */
async function restartEngine(): Promise<void> {
  await f.abandon(t);
  t = await f.engineOn(dataDir);
}

const serverVersion = async (name: string) => (await queryAs(t, await t.getService(name), 'SHOW server_version'))[0]?.server_version as string;
const updatesOf = async (name: string) => (await t.getService(name)).maintenance?.updates ?? [];
const nodeVersion = (name: string) => t.engine.nodes.master(name)?.version;

async function startMaintenance(name: string): Promise<Operation> {
  const res = await t.call<Operation>('PUT', `/dbaas-postgres/${name}/maintenance/start`);
  expect(res.status).toBe(200);
  return res.body.state === 'pending' ? t.waitOperation(res.body.id) : res.body;
}

async function throughPool(svc: ServicePg, sql: string): Promise<pg.QueryResultRow[]> {
  const pool = (svc['connection-pools'] ?? [])[0] as ConnectionPool;
  const url = new URL(pool['connection-uri']);
  const client = new pg.Client({
    host: url.hostname, port: Number(url.port), database: url.pathname.slice(1), user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password), ssl: { ca: t.engine.ca.cert, rejectUnauthorized: true }, connectionTimeoutMillis: 10_000,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

beforeAll(async () => {
  mkdirSync(packages);
  pointPg16(join(modules, 'pg16-prev'));
  process.env.PGDECK_PG_PACKAGES = packages;
  // the older PgBouncer build: the installed one, copied where the engine's next start will not look
  const oldBouncer = join(scratch, 'old-pgbouncer');
  mkdirSync(oldBouncer);
  chmodSync(scratch, 0o755);
  chmodSync(oldBouncer, 0o755);
  copyFileSync('/usr/sbin/pgbouncer', join(oldBouncer, 'pgbouncer'));
  chmodSync(join(oldBouncer, 'pgbouncer'), 0o755);
  process.env.PGDECK_PGBOUNCER = join(oldBouncer, 'pgbouncer');

  dataDir = f.newDataDir();
  t = await f.engineOn(dataDir);
  await Promise.all([
    t.createService('mt-now', { version: '16' }),
    t.createService('mt-window', { version: '16' }),
    t.createService('mt-never', { version: '16', maintenance: { dow: 'never', time: '00:00:00' } }),
  ]);
  for (const name of ['mt-now', 'mt-never']) {
    await queryAs(t, await t.getService(name), 'CREATE TABLE kept AS SELECT generate_series(1, 1000) AS n');
    expect((await t.call('POST', `/dbaas-postgres/${name}/user`, { username: 'app' })).status).toBe(200);
    expect((await t.call('POST', `/dbaas-postgres/${name}/connection-pool`, { name: 'web', 'database-name': 'defaultdb' })).status).toBe(200);
  }
  expect(await serverVersion('mt-now')).toBe('16.13');

  pointPg16(join(modules, 'pg16'));
  if (saved.pgbouncer === undefined) delete process.env.PGDECK_PGBOUNCER;
  else process.env.PGDECK_PGBOUNCER = saved.pgbouncer;
  await restartEngine();
}, 300_000);

afterAll(async () => {
  await f.cleanup();
  for (const [k, v] of [['PGDECK_PG_PACKAGES', saved.packages], ['PGDECK_PGBOUNCER', saved.pgbouncer]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(scratch, { recursive: true, force: true });
}, 300_000);

describe('a newer minor installed under running services', () => {
  it('leaves them running on their own minor, and lists the update with its versions and times', async () => {
    expect(await serverVersion('mt-now')).toBe('16.13');
    expect(nodeVersion('mt-now')).toBe('16.13');
    const updates = await updatesOf('mt-now');
    const minor = updates.find((u) => String(u.description).includes('PostgreSQL 16.13 → 16.14'));
    expect(minor).toBeDefined();
    expect(updates.some((u) => /^PgBouncer /.test(String(u.description)))).toBe(true);
    const after = new Date(String(minor?.['start-after']));
    // the default window: Sunday 04:00 UTC
    expect(minor?.['start-at']).toBe(nextWindow(new Date(), { dow: 'sunday', time: '04:00:00' })?.toISOString());
    expect(new Date(String(minor?.deadline)).getTime() - after.getTime()).toBe(30 * 24 * 3600 * 1000);
    // `never`: applied only on demand, so no start time
    expect((await updatesOf('mt-never')).find((u) => String(u.description).includes('16.13 → 16.14'))?.['start-at']).toBeUndefined();
    // first seen is remembered: an engine restart moves neither start-after nor the deadline
    await new Promise((r) => setTimeout(r, 1100));
    await restartEngine();
    const again = (await updatesOf('mt-now')).find((u) => String(u.description).includes('PostgreSQL 16.13 → 16.14'));
    expect(again?.['start-after']).toBe(minor?.['start-after']);
    expect(again?.deadline).toBe(minor?.deadline);
  });

  it('applies it on demand with a fast restart, and a certificate near its expiry with a reload; data, users and pools stay', async () => {
    const svc = await t.getService('mt-now');
    const root = t.engine.serviceRoot(t.engine.services.get('mt-now')!);
    // a certificate 10 days from its expiry
    const short = await issueServerCert(t.engine.ca, ['127.0.0.1', 'localhost'], 10);
    writeFileSync(join(paths(root).data, 'server.crt'), short.cert);
    writeFileSync(join(paths(root).data, 'server.key'), short.key);
    expect((await updatesOf('mt-now')).some((u) => /TLS certificate/.test(String(u.description)))).toBe(true);

    const op = await startMaintenance('mt-now');
    expect(op.state).toBe('success');
    expect(op.message).toMatch(/PostgreSQL 16\.13 → 16\.14 \(node mt-now-1\): restarted, writes refused for \d+\.\d s/);
    expect(op.message).toMatch(/new TLS certificate/);
    expect(op.message).toMatch(/PgBouncer [\d.]+: restarted on its new build \/usr\/sbin\/pgbouncer/);

    expect(await serverVersion('mt-now')).toBe('16.14');
    expect(nodeVersion('mt-now')).toBe('16.14');
    expect(certificateExpiry(readFileSync(join(paths(root).data, 'server.crt'), 'utf8')).getTime()).toBeGreaterThan(Date.now() + 700 * 24 * 3600 * 1000);
    expect(t.engine.bouncer?.running(root)?.exe).toBe('/usr/sbin/pgbouncer');
    expect((await queryAs(t, svc, 'SELECT count(*)::int AS n FROM kept'))[0]?.n).toBe(1000);
    const app = await t.call<{ password: string }>('GET', '/dbaas-postgres/mt-now/user/app/password/reveal');
    expect((await queryAs(t, svc, 'SELECT current_user AS u', { user: 'app', password: app.body.password }))[0]?.u).toBe('app');
    expect((await throughPool(svc, 'SELECT count(*)::int AS n FROM kept'))[0]?.n).toBe(1000);
    expect(await updatesOf('mt-now')).toEqual([]);
    const notes = (await t.getService('mt-now')).notifications ?? [];
    expect(notes.some((n) => n.type === 'service_maintenance_applied' && n.message.includes('16.13 → 16.14'))).toBe(true);

    const again = await startMaintenance('mt-now');
    expect(again).toMatchObject({ state: 'success', message: expect.stringMatching(/^nothing was pending/) });
  });

  it('lists a parameter waiting for a restart, and applies it with one', async () => {
    const spec = masterSpec(t.engine, t.engine.services.get('mt-now')!);
    const before = t.engine.runtime.pid(spec.root);
    // set behind the engine's back, as a superuser could: the file says 12, the running server keeps its value
    await t.engine.runtime.query(spec, 'ALTER SYSTEM SET max_wal_senders = 12');
    await t.engine.runtime.query(spec, 'SELECT pg_reload_conf()');
    await new Promise((r) => setTimeout(r, 500));
    forgetProbes();
    expect((await updatesOf('mt-now')).map((u) => String(u.description))).toEqual([expect.stringMatching(/restarts to apply max_wal_senders/)]);
    const op = await startMaintenance('mt-now');
    expect(op.state, op.message).toBe('success');
    expect(t.engine.runtime.pid(spec.root)).not.toBe(before);
    expect(await t.engine.runtime.query(spec, 'SHOW max_wal_senders')).toEqual([{ max_wal_senders: '12' }]);
    forgetProbes();
    expect(await updatesOf('mt-now')).toEqual([]);
    await t.engine.runtime.query(spec, 'ALTER SYSTEM RESET max_wal_senders');
  });

  it('is applied by the window job when its window comes, rescheduled by a window change; `never` is not', async () => {
    const put = await t.call<Operation>('PUT', '/dbaas-postgres/mt-window', { maintenance: { dow: 'wednesday', time: '03:00:00' } });
    expect(put.body.state).toBe('success');
    const window = nextWindow(new Date(), { dow: 'wednesday', time: '03:00:00' }) as Date;
    expect(t.engine.jobs.get(maintenanceJobName('mt-window'))?.dueAt).toBe(window.toISOString());
    expect(t.engine.jobs.get(maintenanceJobName('mt-never'))?.dueAt).toBe('9999-01-01T00:00:00.000Z');

    // the scheduler's clock set to five minutes into the window (a tick already running is waited for first);
    // the other jobs (backups, pruning) are moved past it: this tick is about maintenance
    const at = new Date(window.getTime() + 5 * 60_000);
    for (const job of t.engine.jobs.list()) if (job.kind !== 'maintenance') t.engine.jobs.reschedule(job.name, new Date(at.getTime() + 24 * 3600_000));
    for (let i = 0; i < 20 && !t.engine.jobs.get(maintenanceJobName('mt-window'))?.lastRunAt; i++) await t.scheduler.tick(at);
    expect(t.engine.jobs.get(maintenanceJobName('mt-window'))?.lastResult).toMatch(/PostgreSQL 16\.13 → 16\.14/);
    expect(await serverVersion('mt-window')).toBe('16.14');
    expect(t.engine.jobs.get(maintenanceJobName('mt-never'))?.lastRunAt).toBeNull();
    expect(await serverVersion('mt-never')).toBe('16.13');
  });
});

describe('a minor whose postgres does not start', () => {
  it('is rolled back: the node runs its old minor again, nothing is lost, the operation says why', async () => {
    // 16.15, as far as its package says; its postgres answers --version and refuses to run
    const broken = join(scratch, 'pg16-broken');
    cpSync(join(modules, 'pg16'), broken, { recursive: true, verbatimSymlinks: true });
    const pkg = JSON.parse(readFileSync(join(broken, 'package.json'), 'utf8')) as { version: string };
    writeFileSync(join(broken, 'package.json'), JSON.stringify({ ...pkg, version: '16.15.0-beta.17' }));
    const postgres = join(broken, 'native', 'bin', 'postgres');
    rmSync(postgres);
    writeFileSync(postgres, '#!/bin/sh\ncase "$1" in -V|--version) echo "postgres (PostgreSQL) 16.14"; exit 0;; esac\necho "FATAL:  broken on purpose" >&2\nexit 1\n', { mode: 0o755 });
    pointPg16(broken);
    // a kept copy no node runs is removed at start; the ones nodes run stay
    mkdirSync(join(dataDir, 'binaries', 'postgresql-16.9', 'bin'), { recursive: true });
    await restartEngine();
    expect(existsSync(join(dataDir, 'binaries', 'postgresql-16.9'))).toBe(false);
    expect(existsSync(join(dataDir, 'binaries', 'postgresql-16.13', 'bin', 'postgres'))).toBe(true);

    expect((await updatesOf('mt-never')).some((u) => String(u.description).includes('PostgreSQL 16.13 → 16.15'))).toBe(true);
    const op = await startMaintenance('mt-never');
    expect(op.state).toBe('failure');
    expect(op.message).toMatch(/PostgreSQL 16\.15 did not start on node mt-never-1 \(FATAL: broken on purpose\); rolled back: it runs PostgreSQL 16\.13 again/);

    expect(await serverVersion('mt-never')).toBe('16.13');
    expect(nodeVersion('mt-never')).toBe('16.13');
    const svc = await t.getService('mt-never');
    expect(svc.state).toBe('running');
    expect((await queryAs(t, svc, 'SELECT count(*)::int AS n FROM kept'))[0]?.n).toBe(1000);
    expect((await throughPool(svc, 'SELECT 1 AS one'))[0]?.one).toBe(1);
    expect(svc.notifications?.some((n) => n.type === 'service_maintenance_failed')).toBe(true);
    // still pending: the next window or request tries again
    expect(svc.maintenance?.updates.some((u) => String(u.description).includes('16.13 → 16.15'))).toBe(true);
  });
});
