// Databases and users of a service, on real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operation } from '@/lib/schemas/operation';
import type { ServicePg } from '@/lib/schemas/service';
import { queryAs, removeDataDir, startEngine, type TestEngine } from './harness';

let t: TestEngine;
let svc: ServicePg;

beforeAll(async () => {
  t = await startEngine();
  svc = await t.createService('gamma', { version: '17' });
});
afterAll(async () => {
  await t?.stop();
  removeDataDir(t.dataDir);
});

const path = (rest: string) => `/dbaas-postgres/gamma${rest}`;

describe('databases', () => {
  it('creates a real database with the requested locales', async () => {
    const res = await t.call<Operation>('POST', path('/database'), { 'database-name': 'shop', 'lc-collate': 'en_US.UTF-8', 'lc-ctype': 'en_US.UTF-8' });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('success');
    const rows = await queryAs(t, svc, "SELECT datcollate, datctype, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'shop'");
    expect(rows[0]).toEqual({ datcollate: 'en_US.UTF-8', datctype: 'en_US.UTF-8', owner: 'avnadmin' });
    expect((await t.getService('gamma')).databases).toEqual(['defaultdb', 'shop']);
    // the admin can use it
    expect(await queryAs(t, svc, 'SELECT current_database() AS d', { database: 'shop' })).toEqual([{ d: 'shop' }]);
  });

  it.each([
    ['an unknown locale', { 'database-name': 'x1', 'lc-collate': 'xx_YY.UTF-8' }, 400, 'lc-collate'],
    ['an unknown ctype', { 'database-name': 'x1', 'lc-ctype': 'qq_QQ' }, 400, 'lc-ctype'],
    ['a locale with a quote', { 'database-name': 'x1', 'lc-collate': "en_US'; DROP" }, 400, 'lc-collate'],
    ['an unknown ctype beside a good collate', { 'database-name': 'x1', 'lc-collate': 'en_US.UTF-8', 'lc-ctype': 'xx_YY.UTF-8' }, 400, 'lc-ctype'],
    ['a ctype that is not UTF-8', { 'database-name': 'x1', 'lc-collate': 'C', 'lc-ctype': 'en_US' }, 400, 'lc-ctype'],
    ['a missing name', {}, 400, 'database-name'],
    ['a name with a space', { 'database-name': 'my db' }, 400, 'database-name'],
    ['a 41-character name', { 'database-name': 'd'.repeat(41) }, 400, 'database-name'],
    ['an unknown field', { 'database-name': 'x1', owner: 'me' }, 400, 'owner'],
    ['an existing name', { 'database-name': 'shop' }, 409, 'database-name'],
    ['a system database', { 'database-name': 'template1' }, 409, 'database-name'],
  ])('refuses %s', async (_what, body, status, field) => {
    const res = await t.call<{ field?: string; message: string }>('POST', path('/database'), body);
    expect(res.status).toBe(status);
    expect(res.body.field).toBe(field);
  });

  it('left nothing behind after the refusals', async () => {
    expect((await t.getService('gamma')).databases).toEqual(['defaultdb', 'shop']);
    const rows = await queryAs(t, svc, "SELECT count(*)::int AS n FROM pg_database WHERE datname = 'x1'");
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('deletes a database, even with sessions connected to it', async () => {
    const idle = await import('./harness').then((h) => h.connect(t, svc, { database: 'shop' }));
    const res = await t.call<Operation>('DELETE', path('/database/shop'));
    expect(res.body.state).toBe('success');
    await idle.end().catch(() => undefined);
    expect((await t.getService('gamma')).databases).toEqual(['defaultdb']);
    expect(await queryAs(t, svc, "SELECT count(*)::int AS n FROM pg_database WHERE datname = 'shop'")).toEqual([{ n: 0 }]);
  });

  it.each([
    ['the default database', 'defaultdb', 403],
    ['a system database', 'postgres', 403],
    ['a missing database', 'nothere', 404],
    ['an invalid name', 'bad%20name', 400],
  ])('refuses to delete %s', async (_what, name, status) => {
    expect((await t.call('DELETE', path(`/database/${name}`))).status).toBe(status);
  });
});

describe('users', () => {
  let password = '';

  it('creates a real role with a SCRAM password that logs in', async () => {
    const res = await t.call<Operation>('POST', path('/user'), { username: 'app' });
    expect(res.body.state).toBe('success');
    const reveal = await t.call<{ username: string; password: string }>('GET', path('/user/app/password/reveal'));
    expect(reveal.body.username).toBe('app');
    password = reveal.body.password;
    expect(password).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(await queryAs(t, svc, 'SELECT current_user AS u', { user: 'app', password })).toEqual([{ u: 'app' }]);
    const roles = await queryAs(t, svc, "SELECT rolreplication, left(rolpassword, 14) AS p FROM pg_authid WHERE rolname = 'app'").catch(() =>
      queryAs(t, svc, "SELECT rolreplication FROM pg_roles WHERE rolname = 'app'"),
    );
    expect(roles[0]?.rolreplication).toBe(false);
    const users = (await t.getService('gamma')).users ?? [];
    expect(users.map((u) => [u.username, u.type, u['allow-replication']])).toEqual([
      ['avnadmin', 'primary', true],
      ['app', 'normal', false],
    ]);
  });

  it('reset with a given password: the new one logs in, the old one no longer does', async () => {
    const res = await t.call<Operation>('PUT', path('/user/app/password/reset'), { password: 'new-password-123' });
    expect(res.body.state).toBe('success');
    expect(await queryAs(t, svc, 'SELECT 1 AS one', { user: 'app', password: 'new-password-123' })).toEqual([{ one: 1 }]);
    await expect(queryAs(t, svc, 'SELECT 1', { user: 'app', password })).rejects.toThrow(/password authentication failed/);
    expect((await t.call<{ password: string }>('GET', path('/user/app/password/reveal'))).body.password).toBe('new-password-123');
  });

  it('reset without a password generates a strong one', async () => {
    await t.call('PUT', path('/user/app/password/reset'), {});
    const generated = (await t.call<{ password: string }>('GET', path('/user/app/password/reveal'))).body.password;
    expect(generated).not.toBe('new-password-123');
    expect(generated.length).toBeGreaterThanOrEqual(20);
    expect(await queryAs(t, svc, 'SELECT 1 AS one', { user: 'app', password: generated })).toEqual([{ one: 1 }]);
  });

  it('the admin password can be reset too, and the service URI follows', async () => {
    await t.call('PUT', path('/user/avnadmin/password/reset'), { password: 'admin-password-2' });
    const after = await t.getService('gamma');
    expect(after.uri).toContain(':admin-password-2@');
    expect(await queryAs(t, after, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    svc = after;
  });

  it('toggles the replication right and answers the users list', async () => {
    const res = await t.call<{ users: { username: string; 'allow-replication': boolean }[] }>('PUT', path('/user/app/allow-replication'), { 'allow-replication': true });
    expect(res.status).toBe(200);
    expect(res.body.users).toEqual([
      { username: 'avnadmin', 'allow-replication': true },
      { username: 'app', 'allow-replication': true },
    ]);
    expect(await queryAs(t, svc, "SELECT rolreplication AS r FROM pg_roles WHERE rolname = 'app'")).toEqual([{ r: true }]);
    await t.call('PUT', path('/user/app/allow-replication'), { 'allow-replication': false });
    expect(await queryAs(t, svc, "SELECT rolreplication AS r FROM pg_roles WHERE rolname = 'app'")).toEqual([{ r: false }]);
  });

  it.each([
    ['POST', '/user', {}, 400, 'username'],
    ['POST', '/user', { username: 'has space' }, 400, 'username'],
    ['POST', '/user', { username: 'u'.repeat(64) }, 400, 'username'],
    ['POST', '/user', { username: 'pg_monitor' }, 400, 'username'],
    ['POST', '/user', { username: 'public' }, 400, 'username'],
    ['POST', '/user', { username: 'none' }, 400, 'username'],
    ['POST', '/user', { username: 'current_user' }, 400, 'username'],
    ['POST', '/user', { username: 'pgdeck_admin' }, 400, 'username'],
    ['POST', '/user', { username: 'app' }, 409, 'username'],
    ['POST', '/user', { username: 'ok', 'allow-replication': 'yes' }, 400, 'allow-replication'],
    ['PUT', '/user/app/password/reset', { password: 'short' }, 400, 'password'],
    ['PUT', '/user/app/password/reset', { password: 'has space in it' }, 400, 'password'],
    ['PUT', '/user/app/allow-replication', {}, 400, 'allow-replication'],
    ['PUT', '/user/app/allow-replication', { 'allow-replication': 1 }, 400, 'allow-replication'],
  ])('%s %s %j → %i', async (method, rest, body, status, field) => {
    const res = await t.call<{ field?: string }>(method, path(rest), body);
    expect(res.status).toBe(status);
    expect(res.body.field).toBe(field);
  });

  it('left no user and no role behind after the refusals', async () => {
    expect(((await t.getService('gamma')).users ?? []).map((u) => u.username)).toEqual(['avnadmin', 'app']);
    const rows = await queryAs(t, svc, "SELECT count(*)::int AS n FROM pg_roles WHERE rolname IN ('public', 'none', 'current_user', 'pgdeck_admin', 'ok')");
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('unknown users are 404; the admin cannot be deleted', async () => {
    expect((await t.call('GET', path('/user/ghost/password/reveal'))).status).toBe(404);
    expect((await t.call('PUT', path('/user/ghost/password/reset'), {})).status).toBe(404);
    expect((await t.call('PUT', path('/user/ghost/allow-replication'), { 'allow-replication': true })).status).toBe(404);
    expect((await t.call('DELETE', path('/user/ghost'))).status).toBe(404);
    expect((await t.call('DELETE', path('/user/avnadmin'))).status).toBe(403);
  });

  it('deletes a user that owns objects: they go to the admin, the role is dropped', async () => {
    await t.call('POST', path('/user'), { username: 'owner' });
    const pw = (await t.call<{ password: string }>('GET', path('/user/owner/password/reveal'))).body.password;
    await queryAs(t, svc, 'GRANT CREATE ON SCHEMA public TO owner');
    await queryAs(t, svc, 'CREATE TABLE public.owned (id int)', { user: 'owner', password: pw });
    const res = await t.call<Operation>('DELETE', path('/user/owner'));
    expect(res.body.state).toBe('success');
    expect(await queryAs(t, svc, "SELECT count(*)::int AS n FROM pg_roles WHERE rolname = 'owner'")).toEqual([{ n: 0 }]);
    expect(await queryAs(t, svc, "SELECT tableowner FROM pg_tables WHERE tablename = 'owned'")).toEqual([{ tableowner: 'avnadmin' }]);
    expect(((await t.getService('gamma')).users ?? []).map((u) => u.username)).toEqual(['avnadmin', 'app']);
  });
});
