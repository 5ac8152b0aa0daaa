// The settings document built from small hand-made pg_settings, the checks
// against it (the same refusals as the console's form), merging, and the
// postgresql.conf values rendered from it.
import { describe, expect, it } from 'vitest';
import { ApiError, fromZodError } from '@/lib/api-v2/errors';
import { updateServiceSchema } from '@/lib/schemas/service';
import type { SettingSchema, SettingsSection } from '@/lib/schemas/settings';
import { buildSettingsModel } from '@/lib/settings-form/model';
import { findPlan } from '../domain/plans';
import type { PgSettingRow } from '../runtime/templates';
import { pgbouncerSection, pglookoutSection } from './other-sections';
import { pgSection } from './pg-section';
import { renderPgSettings } from './render';
import { checkSection, mergeValues } from './validate';

const row = (name: string, vartype: PgSettingRow['vartype'], more: Partial<PgSettingRow> = {}): PgSettingRow => ({
  name, vartype, setting: '0', unit: null, min_val: null, max_val: null, enumvals: null, context: 'sighup', short_desc: `pg says: ${name}`, boot_val: null, ...more,
});

const common: PgSettingRow[] = [
  row('deadlock_timeout', 'integer', { unit: 'ms', min_val: '1', max_val: '2147483647', setting: '1000', context: 'superuser' }),
  row('max_prepared_transactions', 'integer', { min_val: '0', max_val: '262143', context: 'postmaster' }),
  row('autovacuum_naptime', 'integer', { unit: 's', min_val: '1', max_val: '2147483', setting: '60' }),
  row('bgwriter_flush_after', 'integer', { unit: '8kB', min_val: '0', max_val: '256', setting: '64' }),
  row('max_stack_depth', 'integer', { unit: 'kB', min_val: '100', max_val: '2147483647', setting: '2048', context: 'superuser' }),
  row('log_error_verbosity', 'enum', { enumvals: ['terse', 'default', 'verbose'], setting: 'default' }),
  row('default_toast_compression', 'enum', { enumvals: ['pglz'], setting: 'pglz', context: 'user' }),
  row('track_io_timing', 'bool', { setting: 'off' }),
  row('jit', 'bool', { setting: 'on', context: 'user' }),
  row('TimeZone', 'string', { setting: 'UTC', context: 'user' }),
  row('wal_sender_timeout', 'integer', { unit: 'ms', min_val: '0', max_val: '2147483647', setting: '60000' }),
];
const pg17 = { major: '17', rows: common };
const pg18 = { major: '18', rows: [...common, row('io_method', 'enum', { enumvals: ['sync', 'worker'], setting: 'worker', context: 'postmaster' })] };

const doc = pgSection([pg17, pg18]);
const prop = (path: string): SettingSchema | undefined => {
  const [a, b] = path.split('.') as [string, string?];
  return b ? doc.properties[a]?.properties?.[b] : doc.properties[a];
};

describe('the pg section', () => {
  it('groups keys as the public API does and leaves out what no major has', () => {
    expect(Object.keys(doc.properties).sort()).toEqual(
      ['autovacuum', 'bg-writer', 'wal', 'deadlock_timeout', 'default_toast_compression', 'io_method', 'jit', 'log_error_verbosity',
        'max_prepared_transactions', 'max_stack_depth', 'timezone', 'track_io_timing'].sort(),
    );
    expect(Object.keys(doc.properties.autovacuum?.properties ?? {})).toEqual(['autovacuum_naptime']);
    expect(doc.additionalProperties).toBe(false);
    expect(doc.properties.wal).toMatchObject({ type: 'object', additionalProperties: false });
  });

  it('marks restarts from pg_settings.context and the majors of version-specific keys', () => {
    expect(prop('max_prepared_transactions')?.['x-requires-restart']).toBe(true);
    expect(prop('deadlock_timeout')?.['x-requires-restart']).toBe(false);
    expect(prop('io_method')?.['x-pg-versions']).toEqual(['18']);
    expect(prop('deadlock_timeout')).not.toHaveProperty('x-pg-versions');
  });

  it('takes the stricter of PostgreSQL\'s and the public bounds, in the API unit', () => {
    expect(prop('deadlock_timeout')).toMatchObject({ type: 'integer', minimum: 500, maximum: 1800000, 'x-unit': 'ms', default: 1000, description: 'pg says: deadlock_timeout' });
    expect(prop('bg-writer.bgwriter_flush_after')).toMatchObject({ minimum: 0, maximum: 256, 'x-unit': '8kB' });
    expect(prop('autovacuum.autovacuum_naptime')).toMatchObject({ minimum: 1, maximum: 86400, 'x-unit': 's' });
    // PostgreSQL counts kB, the API bytes
    expect(prop('max_stack_depth')).toMatchObject({ minimum: 2097152, maximum: 6291456, 'x-unit': 'B', default: 2097152 });
    expect(prop('default_toast_compression')?.enum).toEqual(['pglz']);
  });

  it('keeps the public spelling where the API differs from PostgreSQL', () => {
    expect(prop('log_error_verbosity')).toMatchObject({ type: 'string', enum: ['DEFAULT', 'TERSE', 'VERBOSE'], default: 'DEFAULT' });
    expect(prop('track_io_timing')).toMatchObject({ type: 'string', enum: ['off', 'on'], default: 'off' });
    expect(prop('jit')).toMatchObject({ type: 'boolean', default: true });
  });

  it('tells each major’s default apart where they differ or the API would refuse it, and the plan’s rule where the plan sets it', () => {
    const withDefaults = (major: string, extra: PgSettingRow[]) => ({ major, rows: [...common, ...extra] });
    const section = pgSection(
      [
        withDefaults('14', [row('log_autovacuum_min_duration', 'integer', { unit: 'ms', min_val: '-1', max_val: '2147483647', setting: '-1' }), row('max_wal_senders', 'integer', { min_val: '0', max_val: '262143', setting: '10', context: 'postmaster' }), row('max_worker_processes', 'integer', { min_val: '0', max_val: '262143', setting: '8', context: 'postmaster' })]),
        withDefaults('17', [row('log_autovacuum_min_duration', 'integer', { unit: 'ms', min_val: '-1', max_val: '2147483647', setting: '600000' }), row('max_wal_senders', 'integer', { min_val: '0', max_val: '262143', setting: '10', context: 'postmaster' }), row('max_worker_processes', 'integer', { min_val: '0', max_val: '262143', setting: '8', context: 'postmaster' })]),
      ],
      new Map([['max_worker_processes', 'the plan’s CPU count, at least 8']]),
    );
    const auto = section.properties.autovacuum?.properties?.log_autovacuum_min_duration;
    expect(auto).not.toHaveProperty('default');
    expect(auto?.['x-defaults-by-major']).toEqual({ '14': -1, '17': 600000 });
    // a major running a value the public API refuses (PostgreSQL's own 10, below its 20): not a default a client could send back
    const senders = section.properties.wal?.properties?.max_wal_senders;
    expect(senders).toMatchObject({ minimum: 20, 'x-defaults-by-major': { '14': 10, '17': 10 } });
    expect(senders).not.toHaveProperty('default');
    expect(section.properties.max_worker_processes).toMatchObject({ 'x-default-from-plan': 'the plan’s CPU count, at least 8' });
    expect(section.properties.max_worker_processes).not.toHaveProperty('default');
    expect(section.properties.max_worker_processes).not.toHaveProperty('x-defaults-by-major');
    // a default every major shares and the API takes stays plain
    expect(section.properties.deadlock_timeout).toMatchObject({ default: 1000 });
    expect(section.properties.deadlock_timeout).not.toHaveProperty('x-defaults-by-major');
  });

  it('lists max_prepared_statements only for a PgBouncer that has it', () => {
    expect(pgbouncerSection('1.18.0').properties).not.toHaveProperty('max_prepared_statements');
    expect(pgbouncerSection('1.21.0').properties.max_prepared_statements).toMatchObject({ minimum: 0, maximum: 3000, 'x-requires-restart': false });
  });
});

const check = (values: Record<string, unknown>, section: SettingsSection = pgSection([pg17])) => {
  try {
    checkSection({ field: 'pg-settings', section, unsupported: (p) => (p === 'io_method' ? 'PostgreSQL 17 has no io_method parameter' : null) }, values);
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    return { reason: e.reason, field: e.field, message: e.message };
  }
};

describe('checking values', () => {
  it.each([
    [{ autovacuum: { autovacuum_naptime: 86401 } }, 'incorrect', 'pg-settings.autovacuum.autovacuum_naptime', 'must be at most 86400 s'],
    [{ deadlock_timeout: 499 }, 'incorrect', 'pg-settings.deadlock_timeout', 'must be at least 500 ms'],
    [{ deadlock_timeout: '1s' }, 'incorrect', 'pg-settings.deadlock_timeout', 'must be a whole number'],
    [{ deadlock_timeout: 1000.5 }, 'incorrect', 'pg-settings.deadlock_timeout', 'must be a whole number'],
    [{ jit: 'on' }, 'incorrect', 'pg-settings.jit', 'must be true or false'],
    [{ log_error_verbosity: 'default' }, 'incorrect', 'pg-settings.log_error_verbosity', 'must be one of "DEFAULT", "TERSE", "VERBOSE"'],
    [{ timezone: 'Europe/Zürich;' }, 'incorrect', 'pg-settings.timezone', 'must match ^[\\w/]*$'],
    [{ wal: { wal_sender_timeout: 10 } }, 'incorrect', 'pg-settings.wal.wal_sender_timeout', 'must be 0 or 5000–10800000 ms'],
    [{ autovacuum: 5 }, 'incorrect', 'pg-settings.autovacuum', 'must be an object'],
    [{ no_such_thing: 1 }, 'incorrect', 'pg-settings.no_such_thing', 'unknown setting'],
    [{ io_method: 'sync' }, 'unsupported', 'pg-settings.io_method', 'PostgreSQL 17 has no io_method parameter'],
  ])('%j → %s %s', (values, reason, field, why) => {
    expect(check(values)).toEqual({ reason, field, message: `${field}: ${why}` });
  });

  it('passes valid values and null removals', () => {
    expect(check({ deadlock_timeout: 500, wal: { wal_sender_timeout: 0 }, autovacuum: { autovacuum_naptime: null }, jit: null })).toBeNull();
    expect(check({ io_method: 'sync' }, pgSection([pg18]))).toBeNull();
  });

  it('checks array items and their count', () => {
    const section = pgbouncerSection('1.18.0');
    const c = (v: unknown) => check({ ignore_startup_parameters: v }, section)?.message;
    expect(c(['search_path'])).toBeUndefined();
    expect(c(['search_path', 'application_name'])).toBe('pg-settings.ignore_startup_parameters: [1] must be one of "extra_float_digits", "search_path"');
  });
});

describe('the same refusal in the console\'s form and in the API\'s 400', () => {
  const sections = { pg: pgSection([pg17]), pgbouncer: pgbouncerSection('1.18.0'), pglookout: pglookoutSection() };
  const form = buildSettingsModel({ settings: sections }, '17');
  const fields = [['pg', 'pg-settings'], ['pgbouncer', 'pgbouncer-settings'], ['pglookout', 'pglookout-settings']] as const;

  /** What PUT /v2/dbaas-postgres/{name} answers a body with: its shape (zod) first, then each section against the document. */
  const apiMessage = (body: Record<string, unknown>): string | null => {
    const parsed = updateServiceSchema.safeParse(body);
    if (!parsed.success) return fromZodError(parsed.error).message;
    try {
      for (const [name, field] of fields) {
        const values = parsed.data[field];
        if (values) checkSection({ field, section: sections[name], unsupported: () => null }, values);
      }
      return null;
    } catch (err) {
      return (err as ApiError).message;
    }
  };
  const bodyWith = (path: string, value: unknown): Record<string, unknown> =>
    path.split('.').reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;

  it.each([
    ['pg-settings.deadlock_timeout', 499],
    ['pg-settings.deadlock_timeout', 1800001],
    ['pg-settings.deadlock_timeout', '1s'],
    ['pg-settings.deadlock_timeout', 700.5],
    ['pg-settings.autovacuum.autovacuum_naptime', 0],
    ['pg-settings.bg-writer.bgwriter_flush_after', 257],
    ['pg-settings.wal.wal_sender_timeout', 10],
    ['pg-settings.log_error_verbosity', 'LOUD'],
    ['pg-settings.timezone', 'UTC; x'],
    ['pg-settings.timezone', 'x'.repeat(65)],
    ['pg-settings.jit', 'on'],
    ['pgbouncer-settings.server_lifetime', 10],
    ['pgbouncer-settings.autodb_pool_mode', 'never'],
    ['pgbouncer-settings.ignore_startup_parameters', ['search_path', 'nope']],
    ['pglookout-settings.max_failover_replication_time_lag', 1],
    ['work-mem', 2048],
    ['work-mem', 1.5],
    ['shared-buffers-percentage', 70],
  ])('%s = %j', (path, value) => {
    const body = bodyWith(path, value);
    const issues = form.validate(body, {});
    expect(issues.map((i) => i.field.apiField)).toEqual([path]);
    expect(apiMessage(body)).toBe(`${path}: ${issues[0]?.message}`);
  });

  it('both accept what fits', () => {
    const body = { 'pg-settings': { deadlock_timeout: 500, wal: { wal_sender_timeout: 0 } }, 'pgbouncer-settings': { server_lifetime: 60 }, 'work-mem': 1024 };
    expect(form.validate(body, {})).toEqual([]);
    expect(apiMessage(body)).toBeNull();
  });
});

describe('merging', () => {
  it('merges groups key by key; null removes a key and an emptied group', () => {
    const stored = { deadlock_timeout: 700, autovacuum: { autovacuum_naptime: 30, autovacuum_max_workers: 4 } };
    expect(mergeValues(stored, { autovacuum: { autovacuum_naptime: null }, jit: false })).toEqual({
      deadlock_timeout: 700, jit: false, autovacuum: { autovacuum_max_workers: 4 },
    });
    expect(mergeValues(stored, { autovacuum: { autovacuum_naptime: null, autovacuum_max_workers: null }, deadlock_timeout: null })).toEqual({});
  });
});

describe('rendering into postgresql.conf', () => {
  it('writes units explicitly, PostgreSQL\'s spellings, and the memory fields from the plan', () => {
    const plan = findPlan('hobbyist-2');
    if (!plan) throw new Error('no hobbyist-2 plan');
    expect(renderPgSettings({
      'pg-settings': {
        deadlock_timeout: 500,
        max_stack_depth: 2097152,
        log_error_verbosity: 'VERBOSE',
        log_line_prefix: "'pid=%p,user=%u,db=%d,app=%a,client=%h '",
        track_io_timing: 'on',
        jit: false,
        timezone: 'Europe/Helsinki',
        autovacuum: { autovacuum_naptime: 30 },
        'bg-writer': { bgwriter_flush_after: 64 },
      },
      'shared-buffers-percentage': 40,
      'work-mem': 8,
    }, plan)).toEqual({
      deadlock_timeout: '500ms',
      max_stack_depth: '2097152B',
      log_error_verbosity: 'verbose',
      log_line_prefix: 'pid=%p,user=%u,db=%d,app=%a,client=%h ',
      track_io_timing: 'on',
      jit: false,
      timezone: 'Europe/Helsinki',
      autovacuum_naptime: '30s',
      bgwriter_flush_after: '512kB',
      shared_buffers: '819MB',
      work_mem: '8MB',
    });
  });
});
