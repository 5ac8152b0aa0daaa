// Migrating data in, as the console reads and writes it: the source form
// turned into `migration` and into the pre-check's body (and API error fields
// back onto the form), the check's codes in plain words by method, and each
// database's state from the status.
import { describe, expect, it } from 'vitest';
import { migrationCheckSchema, migrationSchema, parseSourceUri } from '@/lib/schemas/migration';
import { blankServiceForm, blankSourceForm } from '@/lib/schemas/form-defaults';
import { filledSourceFormSchema, sourceFieldFor, toMigration, toMigrationCheck, type SourceForm } from '@/lib/schemas/migration-form';
import { createServiceSchema } from '@/lib/schemas/service';
import { formFieldFor, serviceFormSchema, toCreateServiceBody } from '@/lib/schemas/service-form';
import { methodPlan, readMigrationCheck } from './check-codes';
import { readDatabase } from './database-reading';
import { isOfOperation, migrationActions, statusPollMs } from './status';

const source: SourceForm = { ...blankSourceForm(), host: ' db.example.com ', port: '6432', username: 'app@x', password: 'p:w/d ok', ignoreDbs: ' scratch, old ,scratch' };

describe('the source form', () => {
  it('sends only what was set, in the shared schema’s shape', () => {
    expect(toMigration({ ...blankSourceForm(), host: '10.0.0.5' })).toEqual({ host: '10.0.0.5', port: 5432, ssl: true });
    const m = toMigration({ ...source, ssl: true, sslMode: 'require', dbname: 'shop', method: 'replication' });
    expect(m).toEqual({
      host: 'db.example.com', port: 6432, ssl: true, 'pgdeck-ssl-mode': 'require', username: 'app@x', password: 'p:w/d ok', dbname: 'shop', 'ignore-dbs': 'scratch,old', method: 'replication',
    });
    expect(migrationSchema.safeParse(m).success).toBe(true);
    expect(toMigration({ ...source, ssl: false, sslMode: 'require' })).not.toHaveProperty('pgdeck-ssl-mode');
  });

  it('makes the check’s body a URI the engine parses back to the same source, method and skips apart', () => {
    const body = toMigrationCheck({ ...source, ssl: false, method: 'dump' });
    expect(migrationCheckSchema.safeParse(body).success).toBe(true);
    expect(body).toMatchObject({ method: 'dump', 'ignore-dbs': 'scratch,old' });
    expect(parseSourceUri(body['source-service-uri'])).toEqual({
      ok: true,
      migration: { host: 'db.example.com', port: 6432, username: 'app@x', password: 'p:w/d ok', dbname: 'postgres', ssl: false },
    });
    expect(toMigrationCheck(blankSourceForm())).not.toHaveProperty('method');
  });

  it('checks the fields with the shared schema’s words, blanks meaning the defaults', () => {
    expect(filledSourceFormSchema.safeParse({ ...blankSourceForm(), host: 'db' }).success).toBe(true);
    const r = filledSourceFormSchema.safeParse({ ...blankSourceForm(), host: '/var/run/postgresql', port: '70000', ignoreDbs: 'a,,b' });
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['host', 'port', 'ignoreDbs']);
    expect(filledSourceFormSchema.safeParse({ ...blankSourceForm(), host: 'db', port: '54x' }).error?.issues[0]?.message).toBe('must be a port number between 1 and 65535');
  });

  it('puts an API error on its field; one about the URI as a whole on none', () => {
    expect(sourceFieldFor('migration.host')).toBe('host');
    expect(sourceFieldFor('migration.pgdeck-ssl-mode')).toBe('sslMode');
    expect(sourceFieldFor('ignore-dbs')).toBe('ignoreDbs');
    expect(sourceFieldFor('source-service-uri')).toBeUndefined();
    expect(sourceFieldFor('migration.toString')).toBeUndefined();
    expect(sourceFieldFor(undefined)).toBeUndefined();
  });
});

describe('the create form’s "Migrate from an existing server"', () => {
  const base = { ...blankServiceForm('startup-4', '18'), name: 'web', version: '18' as const };

  it('sends the source as `migration`, which the create schema takes; not with a fork, not when off', () => {
    const body = toCreateServiceBody({ ...base, migrate: true, source: { ...source, method: 'replication' } });
    expect(body.migration).toMatchObject({ host: 'db.example.com', port: 6432, method: 'replication' });
    expect(createServiceSchema.safeParse(body).success).toBe(true);
    expect(toCreateServiceBody({ ...base, source })).not.toHaveProperty('migration');
    expect(toCreateServiceBody({ ...base, migrate: true, source, forkFrom: 'orders' })).not.toHaveProperty('migration');
  });

  it('checks the source only when migrating, and puts the API’s errors on its fields', () => {
    expect(serviceFormSchema.safeParse(base).success).toBe(true);
    expect(serviceFormSchema.safeParse({ ...base, migrate: true }).error?.issues.map((i) => i.path.join('.'))).toEqual(['source.host']);
    expect(formFieldFor('migration.port')).toBe('source.port');
    expect(formFieldFor('migration')).toBe('migrate');
  });
});

describe('the check’s findings', () => {
  const task = {
    success: false,
    result: [
      'authentication-failed: 127.0.0.1:5432 refused postgres (password authentication failed) — check the user name and password',
      'wal-level-not-logical: wal_level is replica — set it to logical and restart',
      'sequences-set-at-cut-over shop: 1 sequence(s) are not replicated: set from the source\'s values at the stop',
      'brand-new-code shop: something the console does not know — do this',
      'method: replication for shop',
    ].join('\n'),
    'result-codes': [{ code: 'authentication-failed' }, { code: 'wal-level-not-logical' }, { code: 'sequences-set-at-cut-over', dbname: 'shop' }, { code: 'brand-new-code', dbname: 'shop' }],
  };

  it('says each problem in plain words with its fix, the API’s own fix left out of the detail', () => {
    const reading = readMigrationCheck(task, 'replication');
    expect(reading.passed).toBe(false);
    const server = reading.blockers[0]?.findings ?? [];
    expect(server.map((f) => f.code)).toEqual(['authentication-failed', 'wal-level-not-logical']);
    expect(server[0]).toMatchObject({ title: 'The source refused the user name or the password.', details: ['127.0.0.1:5432 refused postgres (password authentication failed)'] });
    expect(server[0]?.fix).toMatch(/pg_hba\.conf/);
    expect(server[1]?.fix).toMatch(/wal_level = logical/);
    expect(reading.notices.map((f) => f.code)).toEqual(['sequences-set-at-cut-over']);
  });

  it('shows a code it does not know as its own result line', () => {
    const unknown = readMigrationCheck(task, 'replication').blockers[1]?.findings[0];
    expect(unknown).toMatchObject({ code: 'brand-new-code', dbname: 'shop', known: false, details: ['something the console does not know — do this'] });
  });

  it('stops a migration on a replication problem only when replication was asked for', () => {
    expect(readMigrationCheck(task, '').notices.map((f) => f.code)).toContain('wal-level-not-logical');
    expect(readMigrationCheck(task, 'dump').blockers[0]?.findings.map((f) => f.code)).toEqual(['authentication-failed']);
  });

  it('reads how each database is copied', () => {
    expect(methodPlan(task.result)).toBe('replication for shop');
    expect(methodPlan('authentication-failed: x')).toBeNull();
  });
});

describe('the status', () => {
  it('says each database’s state, with its progress, lag or reason', () => {
    expect(readDatabase({ dbname: 'a', status: 'running', 'pgdeck-phase': 'schema' })).toEqual({ dbname: 'a', state: 'schema' });
    expect(readDatabase({ dbname: 'a', status: 'running', method: 'dump', 'pgdeck-phase': 'data', 'pgdeck-tables-total': 7, 'pgdeck-tables-done': 3 })).toEqual({
      dbname: 'a', method: 'dump', state: 'copying', tables: { done: 3, total: 7 },
    });
    expect(readDatabase({ dbname: 'a', status: 'running', 'pgdeck-phase': 'copy', 'pgdeck-bytes-total': 4096, 'pgdeck-bytes-done': 1024 }))
      .toEqual({ dbname: 'a', state: 'copying', bytes: { done: 1024, total: 4096 } });
    expect(readDatabase({ dbname: 'a', status: 'running', 'pgdeck-phase': 'post-data' }).state).toBe('indexes');
    expect(readDatabase({ dbname: 'a', status: 'syncing', 'pgdeck-lag-bytes': 2048 })).toMatchObject({ state: 'syncing', lagBytes: 2048 });
    expect(readDatabase({ dbname: 'a', status: 'syncing', 'pgdeck-phase': 'cut-over' })).toMatchObject({ state: 'cutting-over', lagBytes: null });
    expect(readDatabase({ dbname: 'a', status: 'failed', error: 'source gone', 'pgdeck-warning': 'unreachable since 14:02' })).toMatchObject({ state: 'failed', reason: 'source gone', warning: 'unreachable since 14:02' });
    expect(readDatabase({ dbname: 'a', status: 'failed' }).reason).toBe('no reason was given');
  });

  it('polls while it lives, and offers what fits the moment', () => {
    expect([statusPollMs('running'), statusPollMs('syncing'), statusPollMs('done'), statusPollMs(undefined)]).toEqual([2000, 5000, false, false]);
    expect(migrationActions({ status: 'syncing' })).toEqual({ cutOver: true, abort: false, start: false });
    expect(migrationActions({ status: 'running' })).toEqual({ cutOver: false, abort: true, start: false });
    expect(migrationActions(null)).toEqual({ cutOver: false, abort: false, start: true });
    expect(migrationActions({ status: 'failed' }).start).toBe(true);
  });

  it('tells the migration an operation started from what the previous one left', () => {
    expect(isOfOperation({ status: 'done', 'pgdeck-operation': 'old' }, 'new')).toBe(false);
    expect(isOfOperation({ status: 'running', 'pgdeck-operation': 'old' }, 'new')).toBe(true);
    expect(isOfOperation({ status: 'failed', 'pgdeck-operation': 'new' }, 'new')).toBe(true);
    expect(isOfOperation({ status: 'done' }, 'new')).toBe(true);
  });
});
