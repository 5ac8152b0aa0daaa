// Database access without SQL (issue 16): the four levels as real grants, proved by what each user can then do
// through the service's URI; read back from the catalogs (grants made by SQL too); one transaction per change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessPlan, AccessView } from '@/lib/schemas/access';
import type { Operation } from '@/lib/schemas/operation';
import type { ServicePg } from '@/lib/schemas/service';
import { masterSpec } from '../domain/lookup';
import { connect, queryAs, type TestEngine } from './harness';
import { Fixtures } from './fixtures';

const f = new Fixtures();
let t: TestEngine;
let svc: ServicePg;
const passwords: Record<string, string> = {};

beforeAll(async () => {
  t = await f.engineOn();
  svc = await t.createService('grants', { version: '17' });
  const db = await t.call<Operation>('POST', '/dbaas-postgres/grants/database', { 'database-name': 'orders' });
  await t.waitOperation(db.body.id);
  for (const username of ['app', 'reporter', 'batch', 'bysql']) {
    const u = await t.call<Operation>('POST', '/dbaas-postgres/grants/user', { username });
    await t.waitOperation(u.body.id);
    passwords[username] = (await t.call<{ password: string }>('GET', `/dbaas-postgres/grants/user/${username}/password/reveal`)).body.password;
  }
}, 180_000);
afterAll(() => f.cleanup(), 300_000);

const as = (user: string, sql: string) => queryAs(t, svc, sql, { user, password: passwords[user], database: 'orders' });
const asAdmin = (sql: string) => queryAs(t, svc, sql, { database: 'orders' });
const levels = async () => {
  const res = await t.call<AccessView>('GET', '/pgdeck/dbaas-postgres/grants/access');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return Object.fromEntries(res.body.access.filter((a) => a.database === 'orders').map((a) => [a.username, a.partial ? `${a.level}+` : a.level]));
};
const setAccess = async (username: string, level: string) => {
  const res = await t.call<Operation>('PUT', '/pgdeck/dbaas-postgres/grants/access', { database: 'orders', username, level });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.state).toBe('success');
};

describe('database access', () => {
  it('starts at none for a new user, who cannot create in public (PostgreSQL 15 and later)', async () => {
    expect(await levels()).toEqual({ avnadmin: 'owner', app: 'none', reporter: 'none', batch: 'none', bysql: 'none' });
    await expect(as('app', 'CREATE TABLE t (id int)')).rejects.toThrow(/permission denied for schema public/);
  });

  it('read-write: writes and creates tables, also in tables another user or the admin creates later', async () => {
    await asAdmin('CREATE TABLE items (id serial PRIMARY KEY, name text)');
    await setAccess('app', 'read-write');
    await setAccess('batch', 'read-write');
    await as('app', "CREATE TABLE carts (id int); INSERT INTO items (name) VALUES ('pen')");
    // created after the grants, by two other roles
    await as('batch', 'CREATE TABLE later (id serial, v int)');
    await asAdmin('CREATE TABLE admin_later (v int)');
    await as('app', 'INSERT INTO later (v) VALUES (1); INSERT INTO admin_later VALUES (2); UPDATE items SET name = name');
    expect(await as('app', 'SELECT count(*)::int AS n FROM later')).toEqual([{ n: 1 }]);
    expect((await levels()).app).toBe('read-write');
  });

  it('read: SELECT but not INSERT, nor CREATE, also on tables made later', async () => {
    await setAccess('reporter', 'read');
    expect(await as('reporter', 'SELECT count(*)::int AS n FROM items')).toEqual([{ n: 1 }]);
    await expect(as('reporter', "INSERT INTO items (name) VALUES ('x')")).rejects.toThrow(/permission denied for table items/);
    await expect(as('reporter', 'CREATE TABLE mine (id int)')).rejects.toThrow(/permission denied for schema public/);
    await as('batch', 'CREATE TABLE even_later (v int); INSERT INTO even_later VALUES (7)');
    expect(await as('reporter', 'SELECT v FROM even_later')).toEqual([{ v: 7 }]);
    expect((await levels()).reporter).toBe('read');
    // and back to none
    await setAccess('reporter', 'none');
    await expect(as('reporter', 'SELECT 1 FROM items')).rejects.toThrow(/permission denied/);
    expect((await levels()).reporter).toBe('none');
  });

  it('owner: owns the database; moving away gives it back to the admin', async () => {
    await setAccess('app', 'owner');
    expect(await asAdmin("SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'orders'")).toEqual([{ owner: 'app' }]);
    expect((await levels()).app).toBe('owner');
    await setAccess('app', 'read-write');
    expect(await asAdmin("SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'orders'")).toEqual([{ owner: 'avnadmin' }]);
    expect((await levels()).app).toBe('read-write');
  });

  it('reads back what SQL granted, a partial grant too', async () => {
    const spec = masterSpec(t.engine, t.engine.services.get('grants') as NonNullable<ReturnType<TestEngine['engine']['services']['get']>>);
    await t.engine.runtime.query(spec, 'GRANT SELECT ON items TO bysql', [], 'orders');
    expect((await levels()).bysql).toBe('none+');
    await t.engine.runtime.query(spec, 'GRANT USAGE ON SCHEMA public TO bysql; GRANT SELECT ON ALL TABLES IN SCHEMA public TO bysql', [], 'orders');
    expect((await levels()).bysql).toBe('read');
  });

  it('a grant that fails (a table another session is altering, past the lock timeout) changes nothing', async () => {
    const before = await levels();
    const preview = await t.call<AccessPlan>('POST', '/pgdeck/dbaas-postgres/grants/access/preview', { database: 'orders', username: 'bysql', level: 'read-write' });
    expect(preview.body.statements).toContain('GRANT USAGE, CREATE ON SCHEMA "public" TO "bysql"');
    expect(await levels()).toEqual(before);
    const holder = await connect(t, svc, { database: 'orders' });
    try {
      // a schema change left open: granting on the table waits for it, then gives up
      await holder.query('BEGIN; ALTER TABLE items ADD COLUMN note text');
      const res = await t.call<{ message: string }>('PUT', '/pgdeck/dbaas-postgres/grants/access', { database: 'orders', username: 'bysql', level: 'read-write' });
      expect(res.status, JSON.stringify(res.body)).toBe(409);
      expect(res.body.message).toMatch(/locked by another session: nothing was changed/);
    } finally {
      await holder.end();
    }
    expect(await levels()).toEqual(before);
    await expect(as('bysql', 'CREATE TABLE nope (id int)')).rejects.toThrow(/permission denied for schema public/);
  });

  it('answers 404 naming an unknown user or database, 400 for the admin or a bad level', async () => {
    const put = (body: Record<string, unknown>) => t.call<{ message: string; field?: string }>('PUT', '/pgdeck/dbaas-postgres/grants/access', body);
    const cases: [Record<string, unknown>, number, string][] = [
      [{ database: 'orders', username: 'ghost', level: 'read' }, 404, 'username'],
      [{ database: 'nowhere', username: 'app', level: 'read' }, 404, 'database'],
      [{ database: 'orders', username: 'avnadmin', level: 'none' }, 400, 'username'],
      [{ database: 'orders', username: 'app', level: 'admin' }, 400, 'level'],
    ];
    for (const [body, status, field] of cases) {
      const res = await put(body);
      expect([res.status, res.body.field], JSON.stringify(res.body)).toEqual([status, field]);
    }
    expect((await t.call('GET', '/pgdeck/dbaas-postgres/nope/access')).status).toBe(404);
  });
});
