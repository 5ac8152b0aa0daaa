// The shared schemas: the same rules hold in the forms, the console's route handlers and the engine.
import { describe, expect, it } from 'vitest';
import { fromZodError } from '../api-v2/errors';
import { usernameSchema } from './common';
import { createDatabaseSchema } from './database';
import { createServiceSchema, updateServiceSchema } from './service';
import { signInSchema } from './session';
import { createUserSchema, resetPasswordSchema } from './user';

const fieldOf = (r: { success: boolean; error?: unknown }) => (r.success ? null : fromZodError(r.error as never).field);

describe('createServiceSchema', () => {
  it('accepts a full, valid body', () => {
    const body = {
      plan: 'startup-4',
      version: '17',
      'admin-username': 'app_admin',
      'admin-password': 'Secret-password_1',
      'ip-filter': ['10.0.0.0/8', '2001:db8::/32'],
      'termination-protection': true,
      maintenance: { dow: 'sunday', time: '03:00:00' },
      'backup-schedule': { 'backup-hour': 2, 'backup-minute': 30 },
    };
    expect(createServiceSchema.parse(body)).toEqual(body);
  });

  it.each([
    [{}, 'plan'],
    [{ plan: '' }, 'plan'],
    [{ plan: 'x', version: '12' }, 'version'],
    [{ plan: 'x', 'admin-username': '-lead' }, 'admin-username'],
    [{ plan: 'x', 'admin-username': 'public' }, 'admin-username'],
    [{ plan: 'x', 'admin-username': 'none' }, 'admin-username'],
    [{ plan: 'x', 'admin-password': 'with space 123' }, 'admin-password'],
    [{ plan: 'x', 'ip-filter': ['10.0.0.0/8', 'nope'] }, 'ip-filter[1]'],
    [{ plan: 'x', maintenance: { dow: 'monday', time: '3:00' } }, 'maintenance.time'],
    [{ plan: 'x', 'backup-schedule': { 'backup-minute': 60 } }, 'backup-schedule.backup-minute'],
    [{ plan: 'x', 'pg-settings': 'on' }, 'pg-settings'],
    [{ plan: 'x', 'work-mem': 2048 }, 'work-mem'],
    [{ plan: 'x', 'shared-buffers-percentage': 10 }, 'shared-buffers-percentage'],
  ])('%j is refused naming %s', (body, field) => {
    expect(fieldOf(createServiceSchema.safeParse(body))).toBe(field);
  });
});

describe('other request schemas', () => {
  it.each([
    [updateServiceSchema, { 'ip-filter': ['1.2.3.4/33'] }, 'ip-filter[0]'],
    [updateServiceSchema, { 'termination-protection': 'on' }, 'termination-protection'],
    [createDatabaseSchema, { 'database-name': 'a b' }, 'database-name'],
    [createDatabaseSchema, { 'database-name': 'ok', 'lc-collate': "x'y" }, 'lc-collate'],
    [createUserSchema, { username: 'ok', 'allow-replication': 1 }, 'allow-replication'],
    [resetPasswordSchema, { password: 'short' }, 'password'],
    // a custom URL's form is judged on the server, against the allowed bases only (lib/server/endpoints.test.ts)
    [signInSchema, { key: 'EXO1', secret: 's', endpoint: { kind: 'custom', url: ' ' } }, 'endpoint.url'],
    [signInSchema, { key: 'EXO1', secret: 's', endpoint: { kind: 'zone', zone: 'mars-1' } }, 'endpoint.zone'],
    [signInSchema, { key: '', secret: 's', endpoint: { kind: 'local' } }, 'key'],
  ] as const)('%#: %j → %s', (schema, body, field) => {
    expect(fieldOf(schema.safeParse(body))).toBe(field);
  });

  it('accepts the endpoints a user picks', () => {
    for (const endpoint of [{ kind: 'local' }, { kind: 'zone', zone: 'ch-gva-2' }, { kind: 'custom', url: 'https://api.example.com/v2' }]) {
      expect(signInSchema.safeParse({ key: 'EXOabc', secret: 's', endpoint }).success).toBe(true);
    }
  });
});

describe('usernameSchema', () => {
  it.each([
    ['public', 'PostgreSQL'],
    ['none', 'PostgreSQL'],
    ['current_user', 'PostgreSQL'],
    ['current_role', 'PostgreSQL'],
    ['session_user', 'PostgreSQL'],
    ['postgres', 'PostgreSQL'],
    ['pg_monitor', 'PostgreSQL'],
    ['pgdeck_admin', 'pgdeck'],
  ])('refuses the reserved name %s, in the console and the engine alike', (name, owner) => {
    const r = createUserSchema.safeParse({ username: name });
    expect(r.success).toBe(false);
    expect(fromZodError(r.error as never).message).toBe(`username: "${name}" is reserved by ${owner}`);
  });

  it('accepts names that only look like reserved ones', () => {
    for (const name of ['Public', 'nonexistent', 'pgx', 'postgres2', 'my_pg_user']) expect(usernameSchema.safeParse(name).success).toBe(true);
  });
});
