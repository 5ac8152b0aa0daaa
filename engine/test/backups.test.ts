// Backups, point-in-time recovery and forks, against real PostgreSQL: WAL
// archived from creation, base backups taken online, a fork restored to a
// second between two commits on 13 and 18, users and pools kept, a tampered
// file caught, retention, and the engine or postgres killed mid-backup.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operation } from '@/lib/schemas/operation';
import type { ServicePg } from '@/lib/schemas/service';
import { backupPaths, listBackups, pruneBackups, takeBackup } from '../domain/backups';
import { masterOf, masterSpec } from '../domain/lookup';
import { connect, queryAs, type TestEngine } from './harness';
import { runningPostmasters, sleep, until } from './engine-process';
import { Fixtures } from './fixtures';

const f = new Fixtures();
let t: TestEngine;
beforeAll(async () => {
  t = await f.engineOn();
});
afterAll(() => f.cleanup(), 300_000);

const rec = (name: string) => t.engine.services.get(name) as NonNullable<ReturnType<TestEngine['engine']['services']['get']>>;

/** Creates a service and waits for its first base backup (taken by the scheduler as soon as it runs). */
async function withBackup(name: string, version: string): Promise<ServicePg> {
  await t.createService(name, { version });
  await until(`${name}'s first backup`, async () => ((await t.getService(name)).backups ?? []).length > 0, 60_000, 200);
  return t.getService(name);
}

async function fork(name: string, body: Record<string, unknown>): Promise<{ status: number; op?: Operation; body: unknown }> {
  const res = await t.call<Operation>('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2', ...body });
  if (res.status !== 200) return { status: res.status, body: res.body };
  return { status: 200, op: await t.waitOperation(res.body.id, 300_000), body: res.body };
}

describe.each(['13', '18'])('point-in-time recovery on PostgreSQL %s', (major) => {
  it('a fork at a second between two commits has exactly the rows committed at or before it', async () => {
    const name = `pitr${major}`;
    const svc = await withBackup(name, major);
    const c = await connect(t, svc);
    let between: string;
    try {
      await c.query('CREATE TABLE events (id int PRIMARY KEY, note text)');
      await c.query("INSERT INTO events VALUES (1, 'first')");
      await c.query("INSERT INTO events VALUES (2, 'second')");
      // T: after the second commit, before the third
      await sleep(600);
      between = (await c.query<{ t: string }>("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS t")).rows[0]?.t ?? '';
      await sleep(600);
      await c.query("INSERT INTO events VALUES (3, 'third, after T')");
    } finally {
      await c.end();
    }
    const window = (await t.getService(name))['pgdeck-recovery-window'];
    expect(window && Date.parse(window.earliest) <= Date.parse(between) && Date.parse(between) <= Date.parse(window.latest)).toBe(true);

    const r = await fork(`${name}-at-t`, { 'fork-from-service': name, 'recovery-backup-time': between });
    expect(r.op?.state).toBe('success');
    const copy = await t.getService(`${name}-at-t`);
    expect(copy.version).toBe(major);
    expect(await queryAs(t, copy, 'SELECT id, note FROM events ORDER BY id')).toEqual([{ id: 1, note: 'first' }, { id: 2, note: 'second' }]);
    // its own service: its own port and certificate, and it takes writes
    expect(copy['uri-params']?.port).not.toBe(svc['uri-params']?.port);
    await queryAs(t, copy, "INSERT INTO events VALUES (9, 'written in the fork')");

    // no time: the newest state
    const latest = await fork(`${name}-now`, { 'fork-from-service': name });
    expect(latest.op?.state).toBe('success');
    expect((await queryAs(t, await t.getService(`${name}-now`), 'SELECT count(*)::int AS n FROM events'))[0]).toEqual({ n: 3 });
  }, 300_000);
});

describe('a fork', () => {
  let source: ServicePg;
  beforeAll(async () => {
    source = await withBackup('origin', '17');
    expect((await t.call('POST', '/dbaas-postgres/origin/user', { username: 'app' })).status).toBe(200);
    expect((await t.call('POST', '/dbaas-postgres/origin/database', { 'database-name': 'shop' })).status).toBe(200);
    expect((await t.call('POST', '/dbaas-postgres/origin/connection-pool', { name: 'shoppool', 'database-name': 'shop', username: 'app' })).status).toBe(200);
    source = await t.getService('origin');
    await queryAs(t, source, 'CREATE TABLE kept (v int)', { database: 'shop' });
    await queryAs(t, source, 'INSERT INTO kept VALUES (42)', { database: 'shop' });
  }, 300_000);

  it('keeps the databases, users with their passwords, and pools, and answers through its own PgBouncer', async () => {
    const r = await fork('copy', { 'fork-from-service': 'origin' });
    expect(r.op?.state).toBe('success');
    const copy = await t.getService('copy');
    expect(copy.databases).toEqual(source.databases);
    const pw = (s: ServicePg, u: string) => s.users?.find((x) => x.username === u)?.password;
    expect(pw(copy, 'app')).toBe(pw(source, 'app'));
    expect(pw(copy, 'avnadmin')).toBe(pw(source, 'avnadmin'));
    // app logs in with its password (kept is avnadmin's: the refusal is about the table, not the login)
    await expect(queryAs(t, copy, 'SELECT v FROM kept', { user: 'app', password: pw(copy, 'app'), database: 'shop' })).rejects.toThrow(/permission denied for table kept/);
    const pool = copy['connection-pools']?.find((p) => p.name === 'shoppool');
    expect(pool).toBeDefined();
    expect(pool?.['connection-uri']).not.toBe(source['connection-pools']?.[0]?.['connection-uri']);
    const url = new URL(pool?.['connection-uri'] ?? '');
    const viaPool = await queryAs(t, { ...copy, 'uri-params': { ...copy['uri-params'], port: url.port, dbname: 'shoppool' } }, 'SELECT current_user AS u', { user: 'app', password: pw(copy, 'app'), database: 'shoppool' });
    expect(viaPool).toEqual([{ u: 'app' }]);
    // its own engine secret, not its source's
    expect(rec('copy').engineSecretSealed).not.toBe(rec('origin').engineSecretSealed);
  }, 300_000);

  it('refuses what cannot be: an unknown source, a time outside the window, a time without a source, another major', async () => {
    const cases: [Record<string, unknown>, number, string, RegExp][] = [
      [{ 'fork-from-service': 'nowhere' }, 404, 'fork-from-service', /not found/],
      [{ 'fork-from-service': 'origin', 'recovery-backup-time': '2001-01-01T00:00:00Z' }, 400, 'recovery-backup-time', /outside origin's recoverable window, \S+ to \S+/],
      [{ 'fork-from-service': 'origin', 'recovery-backup-time': 'yesterday' }, 400, 'recovery-backup-time', /date and time/],
      [{ 'recovery-backup-time': '2026-01-01T00:00:00Z' }, 400, 'recovery-backup-time', /needs fork-from-service/],
      [{ 'fork-from-service': 'origin', version: '16' }, 400, 'version', /17/],
    ];
    for (const [body, status, field, message] of cases) {
      const res = await t.call<{ message: string; field: string }>('POST', '/dbaas-postgres/refused', { plan: 'hobbyist-2', ...body });
      expect({ status: res.status, field: res.body.field }).toEqual({ status, field });
      expect(res.body.message).toMatch(message);
    }
    expect(t.engine.services.get('refused')).toBeUndefined();
  });

  it('from a tampered backup fails naming the file and leaves nothing; with no time it falls back to the previous backup', async () => {
    await takeBackup(t.engine, 'origin');
    const [older, newest] = listBackups(t.engine, rec('origin')).slice(-2);
    expect(older && newest).toBeTruthy();
    const victim = newest?.files.find((f) => f.path.startsWith('base/') && f.size > 0);
    const file = join(backupPaths(t.engine, rec('origin')).base, newest?.name ?? '', 'data', victim?.path ?? '');
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    // the time asked for must have passed
    await sleep(700);

    const at = await fork('tampered', { 'fork-from-service': 'origin', 'recovery-backup-time': new Date(Date.parse(newest?.finishedAt ?? '') + 500).toISOString() });
    expect(at.body).toMatchObject({ state: 'pending' });
    expect(at.op?.state).toBe('failure');
    expect(at.op?.message).toContain(victim?.path);
    expect(at.op?.message).toMatch(/checksum/);
    expect(t.engine.services.get('tampered')).toBeUndefined();

    const fallback = await fork('fallback', { 'fork-from-service': 'origin' });
    expect(fallback.op?.state).toBe('success');
    expect(fallback.op?.message).toMatch(new RegExp(`${newest?.name} of origin is damaged.*previous backup`));
    expect(await queryAs(t, await t.getService('fallback'), 'SELECT v FROM kept', { database: 'shop' })).toEqual([{ v: 42 }]);
  }, 300_000);
});

describe('retention', () => {
  it('keeps the plan\'s number of backups and the WAL the oldest kept one needs', async () => {
    await withBackup('kept', '16');
    const svc = rec('kept');
    for (let i = 0; i < 3; i++) {
      await queryAs(t, await t.getService('kept'), `CREATE TABLE t${i} AS SELECT generate_series(1, 1000) AS n`);
      await takeBackup(t.engine, 'kept');
    }
    expect(listBackups(t.engine, svc).length).toBe(4);
    const pruned = pruneBackups(t.engine, svc);
    expect(pruned.backups).toBe(2);
    const left = listBackups(t.engine, svc);
    expect(left.length).toBe(2); // hobbyist keeps 2 (GET /v2/dbaas-service-type/pg: backup-config max-count)
    const oldestStart = left[0]?.startWal ?? '';
    const segments = readdirSync(backupPaths(t.engine, svc).wal).filter((n) => /^[0-9A-F]{24}\.gz$/.test(n));
    expect(segments.length).toBeGreaterThan(0);
    for (const s of segments) expect(s.slice(8, 24) >= oldestStart.slice(8, 24)).toBe(true);
    const type = await t.call<{ plans: { name: string; 'backup-config': { 'max-count': number; 'recovery-mode': string } }[] }>('GET', '/dbaas-service-type/pg');
    expect(type.body.plans.find((p) => p.name === 'hobbyist-2')?.['backup-config']).toMatchObject({ 'max-count': 2, 'recovery-mode': 'pitr' });
  }, 300_000);
});

describe('killed in the middle of a base backup', () => {
  it('postgres killed with SIGKILL: the backup fails, nothing partial is listed or left', async () => {
    await withBackup('fragile', '17');
    await queryAs(t, await t.getService('fragile'), 'CREATE TABLE big AS SELECT g, repeat(md5(g::text), 20) AS pad FROM generate_series(1, 200000) g');
    const before = listBackups(t.engine, rec('fragile')).length;
    const base = backupPaths(t.engine, rec('fragile')).base;
    const backup = takeBackup(t.engine, 'fragile');
    await until('the copy to start', () => readdirSync(base).some((n) => n.startsWith('.')), 30_000, 5);
    process.kill(t.engine.runtime.pid(t.engine.nodeRoot(rec('fragile'), masterOf(t.engine, rec('fragile')))) as number, 'SIGKILL');
    await expect(backup).rejects.toThrow();
    expect(listBackups(t.engine, rec('fragile')).length).toBe(before);
    expect(readdirSync(base).filter((n) => n.startsWith('.'))).toEqual([]);
    // the supervisor brings it back, and the next backup works
    await until('the service to run again', async () => (await t.getService('fragile')).state === 'running', 60_000, 200);
    await takeBackup(t.engine, 'fragile');
    expect(listBackups(t.engine, rec('fragile')).length).toBe(before + 1);
  }, 300_000);

  it('the engine killed with SIGKILL: no partial backup is listed, the next start clears what it left, WAL archiving goes on', async () => {
    const dataDir = f.newDataDir();
    const e = await f.engineProcess(dataDir, 47500 + Math.floor(Math.random() * 20) * 10, { PGDECK_CRASH_AT: 'base-backup:copied' });
    const created = await e.call<Operation>('POST', '/dbaas-postgres/cut', { plan: 'hobbyist-2', version: '15' });
    expect(created.status).toBe(200);
    // the create succeeds; its first backup then kills the engine at the named point
    expect((await e.exited).signal).toBe('SIGKILL');
    f.forget(e);
    const [id] = readdirSync(join(dataDir, 'services'));
    const base = join(dataDir, 'backups', id ?? '', 'base');
    expect(readdirSync(base).filter((n) => n.startsWith('.'))).toHaveLength(1);
    const postmaster = [...runningPostmasters(dataDir).values()];

    const again = await f.engineOn(dataDir);
    expect(readdirSync(base).filter((n) => n.startsWith('.'))).toEqual([]);
    expect([...runningPostmasters(dataDir).values()]).toEqual(postmaster);
    // the backup that was cut off is due still: it is taken now
    await until('the backup to be taken', async () => ((await again.getService('cut')).backups ?? []).length === 1, 60_000, 200);
    const wal = join(dataDir, 'backups', id ?? '', 'wal');
    expect(existsSync(wal) && readdirSync(wal).some((n) => n.endsWith('.gz'))).toBe(true);
  }, 300_000);
});

describe('WAL archiving', () => {
  it('a file that cannot be archived is retried, shown in notifications with the reason, and archiving resumes', async () => {
    const svc = await withBackup('archived', '16');
    const wal = backupPaths(t.engine, rec('archived')).wal;
    // the archive directory replaced by a file: nothing can be written there, nor can the engine make it again
    rmSync(wal, { recursive: true, force: true });
    writeFileSync(wal, 'not a directory');
    await queryAs(t, svc, 'CREATE TABLE churn AS SELECT generate_series(1, 10000) AS n');
    await t.engine.runtime.query(masterSpec(t.engine, rec('archived')), 'SELECT pg_switch_wal()');
    const failed = await until('the failure to be noted', async () => (await t.getService('archived')).notifications?.find((n) => n.type === 'service_wal_archive_failed'), 60_000, 250);
    expect(failed.message).toMatch(/could not be archived \(.*(Not a directory|cannot create).*\); PostgreSQL keeps it and retries/);
    rmSync(wal, { force: true });
    // the supervisor makes the directory again; PostgreSQL's retry then succeeds
    await until('archiving to resume', async () => (await t.getService('archived')).notifications?.some((n) => n.type === 'service_wal_archive_resumed'), 120_000, 250);
    expect(readdirSync(wal).some((n) => n.endsWith('.gz'))).toBe(true);
  }, 300_000);
});
