// The migration pre-check against real servers: every problem of design §2
// caused for real on plain source clusters (18 with many databases, 18 with
// wal_level = replica and one slot, 18 with TLS from a CA nobody trusts, 13
// with adminpack) and answered as {code, dbname} by GET /v2/dbaas-task; a good
// source passes with each database's method; the task never holds the password.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operation } from '@/lib/schemas/operation';
import { migrationSource, parseSourceUri } from '@/lib/schemas/migration';
import { checkMigration } from '../domain/migration-check';
import { requireService } from '../domain/lookup';
import { connect, type TestEngine } from './harness';
import { Fixtures } from './fixtures';
import { freePort, startSource, type SourceCluster } from './source-cluster';

const f = new Fixtures();
let t: TestEngine;
let dir: string;
/** 18 into 18: the many-databases source (a), wal_level = replica with one slot and one sender (b), TLS (c); 13 (old). */
let a: SourceCluster;
let b: SourceCluster;
let c: SourceCluster;
let old: SourceCluster;
const MOVER_PASSWORD = 'mover-pw-1';
const A_DATABASES = ['shop', 'defaultdb', 'keyless', 'lo', 'untrusted', 'fdw', 'secret', 'closed', 'taken', 'two words'];

beforeAll(async () => {
  dir = f.newDataDir();
  t = await f.engineOn();
  [a, b, c, old] = await Promise.all([
    startSource(dir, { major: '18' }),
    startSource(dir, { major: '18', walLevel: 'replica', maxReplicationSlots: 1, maxWalSenders: 1 }),
    startSource(dir, { major: '18', ssl: true }),
    startSource(dir, { major: '13' }),
    t.createService('into', { version: '18' }),
    t.createService('into13', { version: '13' }),
  ]) as [SourceCluster, SourceCluster, SourceCluster, SourceCluster, unknown, unknown];
  await a.query(`CREATE ROLE mover LOGIN PASSWORD '${MOVER_PASSWORD}'`);
  // the same databases whether or not the sources come with the engine template's defaultdb
  for (const s of [a, b, c, old]) await s.query('DROP DATABASE IF EXISTS defaultdb');
  for (const db of A_DATABASES) await a.query(`CREATE DATABASE "${db}"`);
  await a.query(`CREATE TABLE items (id serial PRIMARY KEY, name text); INSERT INTO items (name) SELECT 'item ' || g FROM generate_series(1, 100) g;
    CREATE UNLOGGED TABLE scratch (id int PRIMARY KEY);
    GRANT SELECT ON ALL TABLES IN SCHEMA public TO mover; GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO mover`, [], 'shop');
  await a.query('CREATE TABLE log (at timestamptz, line text)', [], 'keyless');
  await a.query('SELECT lo_create(0)', [], 'lo');
  await a.query("CREATE FUNCTION f(int) RETURNS int LANGUAGE internal AS 'int4abs'", [], 'untrusted');
  await a.query('CREATE EXTENSION postgres_fdw', [], 'fdw');
  await a.query('CREATE TABLE hidden (id int PRIMARY KEY)', [], 'secret');
  await a.query('REVOKE CONNECT ON DATABASE closed FROM PUBLIC');
  for (const db of ['b1', 'b2', 'b3']) await b.query(`CREATE DATABASE ${db}`);
  await c.query('CREATE DATABASE app');
  await old.query('CREATE DATABASE legacy');
  await old.query('CREATE EXTENSION adminpack', [], 'legacy');
  // the target already has a database of a source database's name, with a table in it
  expect((await t.call('POST', '/dbaas-postgres/into/database', { 'database-name': 'taken' })).status).toBe(200);
  const client = await connect(t, await t.getService('into'), { database: 'taken' });
  await client.query('CREATE TABLE kept (id int)').finally(() => client.end());
}, 180_000);
afterAll(() => f.cleanup(), 300_000);

interface Task { id: string; 'task-type': string; success?: boolean; result: string; 'result-codes': { code: string; dbname?: string }[] }

const uri = (s: SourceCluster, user = 'postgres', password = s.password, sslmode = 'disable') =>
  `postgres://${user}:${encodeURIComponent(password)}@${s.host}:${s.port}/postgres${sslmode ? `?sslmode=${sslmode}` : ''}`;
/** ignore-dbs for every database of source a but `keep`, and a name it lacks. */
const onlyA = (...keep: string[]) => [...A_DATABASES.filter((d) => !keep.includes(d)), 'nosuch'].join(',');

async function check(service: string, body: Record<string, unknown>): Promise<Task & { op: Operation }> {
  const res = await t.call<Operation>('POST', `/dbaas-task-migration-check/${service}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const op = res.body;
  expect(op.reference).toEqual({ id: expect.any(String), link: `${t.engine.config.publicUrl}/dbaas-task/${service}/${op.reference?.id}`, command: 'get-dbaas-task' });
  const done = await t.waitOperation(op.id, 60_000);
  expect(done.state, JSON.stringify(done)).toBe('success');
  const task = await t.call<Task>('GET', `/dbaas-task/${service}/${op.reference?.id}`);
  expect(task.status).toBe(200);
  expect(task.body['task-type']).toBe('migration-check');
  return { ...task.body, op: done };
}

const codes = (task: Task) => task['result-codes'];

describe('the migration pre-check', () => {
  it('passes a good source with each database\'s method; defaultdb, empty on the target, is no conflict', async () => {
    const task = await check('into', { 'source-service-uri': uri(a), 'ignore-dbs': onlyA('shop', 'defaultdb') });
    expect(task.success, task.result).toBe(true);
    expect(codes(task)).toEqual(expect.arrayContaining([
      { code: 'ignore-dbs-unknown' }, { code: 'unlogged-tables', dbname: 'shop' }, { code: 'sequences-set-at-cut-over', dbname: 'shop' },
    ]));
    expect(codes(task).map((r) => r.code)).not.toContain('target-database-exists');
    expect(task.result.split('\n').at(-1)).toBe('method: replication for defaultdb, shop');
    // the task keeps the URI without its password
    const stored = JSON.stringify(t.engine.tasks.get(task.id)?.params);
    expect(stored).toContain(`${a.host}:${a.port}`);
    expect(stored).not.toContain(a.password);
    const dump = await check('into', { 'source-service-uri': uri(a), 'ignore-dbs': onlyA('shop', 'defaultdb'), method: 'dump' });
    expect(dump.success).toBe(true);
    expect(dump.result.split('\n').at(-1)).toBe('method: dump for defaultdb, shop');
  });

  it('names what blocks either method per database; a database an earlier attempt made is not in the way', async () => {
    const task = await check('into', { 'source-service-uri': uri(a), 'ignore-dbs': onlyA('untrusted', 'fdw', 'taken', 'two words'), method: 'dump' });
    expect(task.success).toBe(false);
    expect(codes(task)).toEqual(expect.arrayContaining([
      { code: 'untrusted-functions', dbname: 'untrusted' }, { code: 'extension-not-permitted', dbname: 'fdw' }, { code: 'target-database-exists', dbname: 'taken' },
      { code: 'database-name-unsupported', dbname: 'two words' },
    ]));
    expect(task.result).toMatch(/untrusted-functions untrusted: .*public\.f\(integer\) \(LANGUAGE internal\)/);
    const parsed = parseSourceUri(uri(a));
    if (!parsed.ok) throw new Error(parsed.reason);
    const src = migrationSource({ ...parsed.migration, method: 'dump', 'ignore-dbs': onlyA('taken') });
    const retry = await checkMigration(t.engine, requireService(t.engine, 'into'), src, { ownDatabases: ['taken'] });
    expect(retry.findings.filter((x) => !x.notice)).toEqual([]);
    expect(retry.plan).toMatchObject({ sourceMajor: '18', superuser: true, databases: [{ dbname: 'taken', method: 'dump', owner: 'postgres', sizeBytes: expect.any(Number) }] });
  });

  it('says which databases replication cannot carry: blockers when asked for, dump chosen for them otherwise', async () => {
    const body = { 'source-service-uri': uri(a), 'ignore-dbs': onlyA('shop', 'keyless', 'lo') };
    const asked = await check('into', { ...body, method: 'replication' });
    expect(asked.success).toBe(false);
    expect(codes(asked)).toEqual(expect.arrayContaining([{ code: 'tables-without-replica-identity', dbname: 'keyless' }, { code: 'large-objects', dbname: 'lo' }]));
    expect(asked.result).toMatch(/tables-without-replica-identity keyless: .*public\.log/);
    const auto = await check('into', body);
    expect(auto.success).toBe(true);
    expect(codes(auto)).toEqual(expect.arrayContaining([{ code: 'method-dump-chosen', dbname: 'keyless' }, { code: 'method-dump-chosen', dbname: 'lo' }]));
    expect(auto.result.split('\n').at(-1)).toBe('method: replication for shop; dump for keyless, lo');
  });

  it('finds what a user without rights cannot do', async () => {
    const task = await check('into', { 'source-service-uri': uri(a, 'mover', MOVER_PASSWORD), 'ignore-dbs': onlyA('shop', 'secret', 'closed'), method: 'replication' });
    expect(task.success).toBe(false);
    expect(codes(task)).toEqual(expect.arrayContaining([
      { code: 'insufficient-privileges', dbname: 'secret' }, { code: 'insufficient-privileges', dbname: 'closed' },
      { code: 'replication-not-permitted' }, { code: 'tables-not-owned', dbname: 'shop' }, { code: 'roles-without-passwords' },
    ]));
    expect(codes(task)).not.toContainEqual({ code: 'insufficient-privileges', dbname: 'shop' });
  });

  it('finds a server that cannot replicate: wal_level, slots, senders, and the target\'s workers', async () => {
    const task = await check('into', { 'source-service-uri': uri(b), method: 'replication' });
    expect(codes(task)).toEqual(expect.arrayContaining([
      { code: 'wal-level-not-logical' }, { code: 'replication-slots-insufficient' }, { code: 'wal-senders-insufficient' }, { code: 'target-workers-insufficient' },
    ]));
    const auto = await check('into', { 'source-service-uri': uri(b) });
    expect(auto.success).toBe(true);
    expect(codes(auto)).toContainEqual({ code: 'method-dump-chosen' });
    expect(auto.result.split('\n').at(-1)).toBe('method: dump for b1, b2, b3');
  });

  it('says why it cannot connect: closed port, wrong password, TLS not offered, required or not trusted', async () => {
    const closed = { ...a, port: await freePort() };
    expect(codes(await check('into', { 'source-service-uri': uri(closed) }))).toEqual([{ code: 'source-unreachable' }]);
    expect(codes(await check('into', { 'source-service-uri': uri(a, 'postgres', 'not-the-password') }))).toEqual([{ code: 'authentication-failed' }]);
    // verify-full (the default) to a server without TLS
    const noTls = await check('into', { 'source-service-uri': uri(a, 'postgres', a.password, '') });
    expect(codes(noTls)).toEqual([{ code: 'tls-not-trusted' }]);
    expect(noTls.result).toMatch(/does not offer TLS/);
    // a certificate from a CA the engine does not know
    const untrusted = await check('into', { 'source-service-uri': uri(c, 'postgres', c.password, 'verify-full') });
    expect(codes(untrusted)).toEqual([{ code: 'tls-not-trusted' }]);
    expect(untrusted.result).toMatch(/certificate/);
    // a server that takes TLS logins only
    expect(codes(await check('into', { 'source-service-uri': uri(c, 'postgres', c.password, 'disable') }))).toEqual([{ code: 'tls-not-trusted' }]);
    // the service itself
    const self = (await t.getService('into'))['uri-params'];
    expect(codes(await check('into', { 'source-service-uri': `postgres://x:y@${self?.host}:${self?.port}/postgres` }))).toEqual([{ code: 'source-is-target' }]);
    // encrypted without verification, as asked: through
    expect((await check('into', { 'source-service-uri': uri(c, 'postgres', c.password, 'require') })).success).toBe(true);
  });

  it('refuses a URI it does not take (400 naming source-service-uri)', async () => {
    for (const bad of ['mysql://h/db', `${uri(a)}&sslrootcert=/etc/passwd`, 'postgres://u@/%2Frun/db']) {
      const res = await t.call<{ field?: string }>('POST', '/dbaas-task-migration-check/into', { 'source-service-uri': bad });
      expect(res.status, bad).toBe(400);
      expect(res.body.field).toBe('source-service-uri');
    }
  });

  it('finds what another major brings: an extension the target lacks, a source newer than the target, tools and replication a 13 target lacks', async () => {
    const to18 = await check('into', { 'source-service-uri': uri(old), method: 'dump' });
    expect(codes(to18)).toContainEqual({ code: 'extension-not-available', dbname: 'legacy' });
    expect(codes(await check('into13', { 'source-service-uri': uri(a), 'ignore-dbs': onlyA('shop'), method: 'dump' }))).toContainEqual({ code: 'source-newer-than-target' });
    const same = await check('into13', { 'source-service-uri': uri(old), method: 'replication' });
    expect(codes(same)).toEqual(expect.arrayContaining([{ code: 'migration-tools-missing' }, { code: 'replication-target-too-old' }]));
  });
});
