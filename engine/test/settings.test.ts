// Settings on real PostgreSQL: the schema document from the installed
// binaries' pg_settings, settings applied at create and update (reload or
// restart, as PostgreSQL needs), and every kind of invalid setting refused
// with nothing stored or applied.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operation } from '@/lib/schemas/operation';
import type { ServicePg } from '@/lib/schemas/service';
import type { SettingsDocument } from '@/lib/schemas/settings';
import { queryAs, removeDataDir, startEngine, type TestEngine } from './harness';

let t: TestEngine;
let svc18: ServicePg;
let svc17: ServicePg;

beforeAll(async () => {
  t = await startEngine();
  svc18 = await t.createService('set18', {
    version: '18',
    'pg-settings': { deadlock_timeout: 700, autovacuum: { autovacuum_naptime: 30 }, log_error_verbosity: 'VERBOSE' },
    'work-mem': 8,
  });
  svc17 = await t.createService('set17', { version: '17' });
});
afterAll(async () => {
  await t?.stop();
  removeDataDir(t.dataDir);
});

const show = async (s: ServicePg, name: string) => String(Object.values((await queryAs(t, s, `SHOW ${name}`))[0] ?? {})[0]);
const startTime = async (s: ServicePg) => String((await queryAs(t, s, 'SELECT pg_postmaster_start_time()::text AS t'))[0]?.t);
const put = (name: string, body: unknown) => t.call<Operation>('PUT', `/dbaas-postgres/${name}`, body);

describe('GET /v2/dbaas-settings-pg', () => {
  let doc: SettingsDocument;
  beforeAll(async () => {
    // a viewer may read it
    const res = await t.call<SettingsDocument>('GET', '/dbaas-settings-pg', undefined, t.keyFor('viewer'));
    expect(res.status).toBe(200);
    doc = res.body;
  });

  it('has the four sections, pg grouped as the public API', () => {
    expect(Object.keys(doc.settings).sort()).toEqual(['pg', 'pgbouncer', 'pglookout', 'timescaledb']);
    const pg = doc.settings.pg.properties;
    expect(Object.keys(pg.autovacuum?.properties ?? {})).toContain('autovacuum_naptime');
    expect(Object.keys(pg['bg-writer']?.properties ?? {})).toContain('bgwriter_delay');
    expect(Object.keys(pg.wal?.properties ?? {})).toContain('max_wal_senders');
    // the contract's default ("The default is `20`"), on every major: one a client may send back
    expect(pg.wal?.properties?.max_wal_senders).toMatchObject({ minimum: 20, default: 20 });
    expect(doc.settings.timescaledb.properties).toEqual({});
    expect(doc.settings.pglookout.properties.max_failover_replication_time_lag).toMatchObject({ type: 'integer', minimum: 10 });
  });

  it('describes each key from the installed PostgreSQL, narrowed by the public bounds', () => {
    const pg = doc.settings.pg.properties;
    expect(pg.deadlock_timeout).toMatchObject({ type: 'integer', minimum: 500, maximum: 1800000, 'x-unit': 'ms', 'x-requires-restart': false });
    expect(pg.deadlock_timeout?.description).toMatch(/deadlock/i);
    expect(pg.max_prepared_transactions).toMatchObject({ 'x-requires-restart': true });
    expect(pg.max_stack_depth).toMatchObject({ minimum: 2097152, maximum: 6291456, 'x-unit': 'B' });
    expect(pg.io_method?.['x-pg-versions']).toEqual(['18']);
    expect(pg.io_workers?.['x-pg-versions']).toEqual(['18']);
    expect(pg.log_error_verbosity?.enum).toEqual(['DEFAULT', 'TERSE', 'VERBOSE']);
    expect(pg.track_io_timing).toMatchObject({ type: 'string', enum: ['off', 'on'] });
    expect(pg.jit?.type).toBe('boolean');
    // extensions that are not installed, and PgBouncer 1.18's missing key
    // pg_stat_statements is preloaded: its track setting is offered, with PostgreSQL's own words
    expect(pg['pg_stat_statements.track']).toMatchObject({ type: 'string', enum: ['all', 'top', 'none'], 'x-requires-restart': false });
    expect(pg).not.toHaveProperty(['pg_partman_bgw.interval']);
    expect(doc.settings.pgbouncer.properties).not.toHaveProperty('max_prepared_statements');
    expect(doc.settings.pgbouncer.properties.server_lifetime).toMatchObject({ minimum: 60, maximum: 86400, 'x-requires-restart': false });
  });
});

describe('applying settings', () => {
  it('settings given at create time are in effect and shown as set', async () => {
    expect(await show(svc18, 'deadlock_timeout')).toBe('700ms');
    expect(await show(svc18, 'autovacuum_naptime')).toBe('30s');
    expect(await show(svc18, 'log_error_verbosity')).toBe('verbose');
    expect(await show(svc18, 'work_mem')).toBe('8MB');
    const got = await t.getService('set18');
    expect(got['pg-settings']).toEqual({ deadlock_timeout: 700, autovacuum: { autovacuum_naptime: 30 }, log_error_verbosity: 'VERBOSE' });
    expect(got['work-mem']).toBe(8);
    expect(got).not.toHaveProperty('pgbouncer-settings');
  });

  it('a reload-only setting applies without a restart', async () => {
    const before = await startTime(svc18);
    const res = await put('set18', { 'pg-settings': { deadlock_timeout: 900 }, 'pglookout-settings': { max_failover_replication_time_lag: 30 } });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('success');
    expect(res.body.message).toBe('reloaded the configuration; nothing restarted');
    expect(await show(svc18, 'deadlock_timeout')).toBe('900ms');
    expect(await startTime(svc18)).toBe(before);
    const got = await t.getService('set18');
    expect(got['pg-settings']).toEqual({ deadlock_timeout: 900, autovacuum: { autovacuum_naptime: 30 }, log_error_verbosity: 'VERBOSE' });
    expect(got['pglookout-settings']).toEqual({ max_failover_replication_time_lag: 30 });
  });

  it('a restart-only setting restarts PostgreSQL, and the operation says so', async () => {
    const before = await startTime(svc18);
    const res = await put('set18', { 'pg-settings': { max_prepared_transactions: 5 }, 'shared-buffers-percentage': 30 });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('pending');
    const op = await t.waitOperation(res.body.id);
    expect(op.state).toBe('success');
    expect(op.message).toMatch(/^restarted PostgreSQL to apply .*max_prepared_transactions/);
    expect(op.message).toContain('shared_buffers');
    expect(await show(svc18, 'max_prepared_transactions')).toBe('5');
    expect(await show(svc18, 'shared_buffers')).toBe('614MB');
    expect(await startTime(svc18)).not.toBe(before);
  });

  it('null puts a key back to its default', async () => {
    const res = await put('set18', { 'pg-settings': { autovacuum: { autovacuum_naptime: null }, log_error_verbosity: null } });
    expect(res.body.state).toBe('success');
    expect(await show(svc18, 'autovacuum_naptime')).toBe('1min');
    expect(await show(svc18, 'log_error_verbosity')).toBe('default');
    expect((await t.getService('set18'))['pg-settings']).toEqual({ deadlock_timeout: 900, max_prepared_transactions: 5 });
  });

  it('null puts work-mem back to the plan\'s own value', async () => {
    const planWorkMem = await show(svc17, 'work_mem');
    expect((await put('set17', { 'work-mem': 8 })).body.state).toBe('success');
    expect(await show(svc17, 'work_mem')).toBe('8MB');
    expect((await t.getService('set17'))['work-mem']).toBe(8);
    expect((await put('set17', { 'work-mem': null })).body.state).toBe('success');
    expect(await show(svc17, 'work_mem')).toBe(planWorkMem);
    expect((await t.getService('set17'))['work-mem']).toBeUndefined();
  });

  it('md5 password encryption lets clients in with md5 or their SCRAM verifiers', async () => {
    const res = await put('set17', { 'pg-settings': { password_encryption: 'md5' } });
    expect(res.body.state).toBe('success');
    const hba = readFileSync(join(t.engine.serviceRoot(t.engine.services.get('set17')!), 'data', 'pg_hba.conf'), 'utf8');
    expect(hba).toMatch(/^hostssl all all 0\.0\.0\.0\/0 md5$/m);
    expect(hba).not.toMatch(/scram-sha-256$/m);
    expect(await show(svc17, 'password_encryption')).toBe('md5');
    // the admin's password was stored as a SCRAM verifier: md5 lines still take it
    expect(await queryAs(t, svc17, 'SELECT current_user AS u')).toEqual([{ u: 'avnadmin' }]);
    await put('set17', { 'pg-settings': { password_encryption: null } });
    expect(await show(svc17, 'password_encryption')).toBe('scram-sha-256');
  });
});

describe('invalid settings are refused, nothing stored or applied', () => {
  it.each([
    ['an unknown key', { 'pg-settings': { deadlock_timeout: 800, no_such_setting: 1 } }, 'incorrect', 'pg-settings.no_such_setting', 'unknown setting'],
    ['a key in the wrong group', { 'pg-settings': { autovacuum_naptime: 30 } }, 'incorrect', 'pg-settings.autovacuum_naptime', 'unknown setting; did you mean pg-settings.autovacuum.autovacuum_naptime?'],
    ['a wrong type', { 'pg-settings': { deadlock_timeout: '1s' } }, 'incorrect', 'pg-settings.deadlock_timeout', 'must be a whole number'],
    ['out of bounds', { 'pg-settings': { deadlock_timeout: 800, autovacuum: { autovacuum_naptime: 86401 } } }, 'incorrect', 'pg-settings.autovacuum.autovacuum_naptime', 'must be at most 86400 s'],
    ['not in the enum', { 'pg-settings': { log_error_verbosity: 'LOUD' } }, 'incorrect', 'pg-settings.log_error_verbosity', 'must be one of "DEFAULT", "TERSE", "VERBOSE"'],
    ['not matching the pattern', { 'pg-settings': { timezone: 'UTC; x' } }, 'incorrect', 'pg-settings.timezone', 'must match ^[\\w/]*$'],
    ['a key this major lacks', { 'pg-settings': { io_method: 'sync' } }, 'unsupported', 'pg-settings.io_method', 'PostgreSQL 17 has no io_method parameter'],
    ['an extension that is not installed', { 'pg-settings': { 'pg_stat_monitor.pgsm_max_buckets': 2 } }, 'unsupported', 'pg-settings.pg_stat_monitor.pgsm_max_buckets', 'pg_stat_monitor is not installed on this engine'],
    ['a PgBouncer key this PgBouncer lacks', { 'pgbouncer-settings': { max_prepared_statements: 10 } }, 'unsupported', 'pgbouncer-settings.max_prepared_statements', 'PgBouncer 1.18.0 is installed; max_prepared_statements needs 1.21 or later'],
    ['a PgBouncer value out of bounds', { 'pgbouncer-settings': { server_lifetime: 10 } }, 'incorrect', 'pgbouncer-settings.server_lifetime', 'must be at least 60 s'],
    ['a pglookout value out of bounds', { 'pglookout-settings': { max_failover_replication_time_lag: 1 } }, 'incorrect', 'pglookout-settings.max_failover_replication_time_lag', 'must be at least 10 s'],
    ['timescaledb-settings', { 'timescaledb-settings': { max_background_workers: 8 } }, 'unsupported', 'timescaledb-settings', 'unsupported by this engine yet'],
    ['a value PostgreSQL refuses', { 'pg-settings': { deadlock_timeout: 800, timezone: 'Nowhere/Atlantis' } }, 'incorrect', 'pg-settings.timezone', 'PostgreSQL does not accept "Nowhere/Atlantis" for timezone (setting could not be applied)'],
  ])('%s', async (_what, body, code, field, why) => {
    const stored = t.engine.services.get('set17')?.settings;
    const before = await startTime(svc17);
    const res = await put('set17', body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code, field, message: `${field}: ${why}` });
    expect(t.engine.services.get('set17')?.settings).toEqual(stored);
    expect((await t.getService('set17'))['pg-settings']).toBeUndefined();
    expect(await show(svc17, 'deadlock_timeout')).toBe('1s');
    expect(await show(svc17, 'timezone')).toBe('UTC');
    expect(await startTime(svc17)).toBe(before);
  });

  it('variant timescale is refused at create and no service is made', async () => {
    const res = await t.call('POST', '/dbaas-postgres/tsdb', { plan: 'hobbyist-2', variant: 'timescale' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'unsupported', field: 'variant' });
    expect(t.engine.services.get('tsdb')).toBeUndefined();
  });

  it('an invalid setting at create makes no service', async () => {
    const res = await t.call('POST', '/dbaas-postgres/bad', { plan: 'hobbyist-2', version: '17', 'pg-settings': { wal: { wal_sender_timeout: 10 } } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'incorrect', field: 'pg-settings.wal.wal_sender_timeout', message: 'pg-settings.wal.wal_sender_timeout: must be 0 or 5000–10800000 ms' });
    expect(t.engine.services.get('bad')).toBeUndefined();
  });

  it('a value PostgreSQL refuses at create is a 400 too, before any service exists', async () => {
    const res = await t.call('POST', '/dbaas-postgres/bad', { plan: 'hobbyist-2', version: '17', 'pg-settings': { timezone: 'Nowhere/Atlantis' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'incorrect',
      field: 'pg-settings.timezone',
      message: 'pg-settings.timezone: PostgreSQL does not accept it: invalid value for parameter "TimeZone": "Nowhere/Atlantis"',
    });
    expect(t.engine.services.get('bad')).toBeUndefined();
  });
});
