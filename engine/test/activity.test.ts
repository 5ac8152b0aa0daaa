// Activity and settings history (issue 16): every mutating request is kept with its key's name and role, its answer
// and its operation's final state, and never a password; each change of the tracked settings as before → after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityEntry, ActivityPage, SettingsHistory } from '@/lib/schemas/activity';
import type { Operation } from '@/lib/schemas/operation';
import { queryAs, type TestEngine } from './harness';
import { Fixtures } from './fixtures';
import { until } from './engine-process';

// the key every test engine starts with
const ADMIN = 'bootstrap-admin';
const f = new Fixtures();
let t: TestEngine;
beforeAll(async () => {
  t = await f.engineOn();
}, 120_000);
afterAll(() => f.cleanup(), 300_000);

const activity = async (body: Record<string, unknown> = {}, creds = t.admin): Promise<ActivityEntry[]> => {
  const res = await t.call<ActivityPage>('POST', '/pgdeck/activity', body, creds);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.activity;
};

describe('activity', () => {
  it('keeps every mutation with its key and answer, and no password anywhere', async () => {
    const operator = t.keyFor('operator', 'ops-alice');
    const secrets = ['Admin-pw-7f3k29dj', 'Reset-pw-2kd93jfa', 'Migration-pw-9dk2ls0a'];
    const created = await t.call<Operation>('POST', '/dbaas-postgres/audited', { plan: 'hobbyist-2', version: '17', 'admin-password': secrets[0] });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect((await t.waitOperation(created.body.id)).state).toBe('success');
    const user = await t.call<Operation>('POST', '/dbaas-postgres/audited/user', { username: 'app' }, operator);
    expect(user.status, JSON.stringify(user.body)).toBe(200);
    await t.waitOperation(user.body.id);
    const reset = await t.call<Operation>('PUT', '/dbaas-postgres/audited/user/app/password/reset', { password: secrets[1] }, operator);
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    await t.waitOperation(reset.body.id);
    const reveal = await t.call<{ password: string }>('GET', '/dbaas-postgres/audited/user/app/password/reveal', undefined, operator);
    expect(reveal.body.password).toBe(secrets[1]);
    // a migration from a source nothing listens on: whatever the engine answers, the password stays out
    const migration = await t.call('PUT', '/dbaas-postgres/audited', {
      migration: { host: '127.0.0.1', port: 1, username: 'src', password: secrets[2], method: 'dump', ssl: false, dbname: 'defaultdb' },
    });
    const viewer = t.keyFor('viewer', 'viewer-bob');
    expect((await t.call('DELETE', '/dbaas-postgres/audited', undefined, viewer)).status).toBe(403);

    const all = await activity({ service: 'audited' });
    expect(JSON.stringify(all)).not.toMatch(new RegExp(secrets.join('|')));
    // newest first
    expect(all.map((e) => `${e.method} ${e.route} ${e.key.name} ${e.status}`)).toEqual([
      `DELETE DELETE /v2/dbaas-postgres/:name viewer-bob 403`,
      `PUT PUT /v2/dbaas-postgres/:name ${ADMIN} ${migration.status}`,
      'GET GET /v2/dbaas-postgres/:service/user/:username/password/reveal ops-alice 200',
      'PUT PUT /v2/dbaas-postgres/:service/user/:username/password/reset ops-alice 200',
      'POST POST /v2/dbaas-postgres/:service/user ops-alice 200',
      `POST POST /v2/dbaas-postgres/:name ${ADMIN} 200`,
    ]);
    const create = all.at(-1) as ActivityEntry;
    expect(create).toMatchObject({
      key: { name: ADMIN, role: 'admin' },
      service: 'audited',
      path: '/v2/dbaas-postgres/audited',
      body: { plan: 'hobbyist-2', version: '17', 'admin-password': '[redacted]' },
      operation: { id: created.body.id, command: 'create-service', state: 'success' },
      client: '127.0.0.1',
    });
    expect(all[3]?.body).toEqual({ password: '[redacted]' });
    expect((all[1]?.body as { migration: { password: string } }).migration.password).toBe('[redacted]');
    // the operation's final state, read as it is now
    expect(all[3]?.operation).toEqual({ id: reset.body.id, command: expect.any(String), state: 'success' });

    // filters by key and time; a viewer reads who did what, without bodies
    expect((await activity({ key: 'ops-alice' })).map((e) => e.route)).toHaveLength(3);
    expect(await activity({ service: 'audited', since: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
    const seen = await activity({ service: 'audited' }, viewer);
    expect(seen).toHaveLength(all.length);
    expect(seen.every((e) => !('body' in e))).toBe(true);
  });

  it('pages newest first with a cursor that stays put while entries arrive, and refuses bad filters naming the field', async () => {
    const first = await t.call<ActivityPage>('POST', '/pgdeck/activity', { limit: 2 });
    expect(first.body.activity).toHaveLength(2);
    const next = first.body.next as number;
    expect(next).toBe(first.body.activity[1]?.id);
    // a new entry arrives: the next page is the same
    await t.call('DELETE', '/dbaas-postgres/nope');
    const second = await t.call<ActivityPage>('POST', '/pgdeck/activity', { limit: 2, before: next });
    expect(second.body.activity.every((e) => e.id < next)).toBe(true);
    for (const [body, field] of [[{ limit: 0 }, 'limit'], [{ since: 'yesterday' }, 'since'], [{ service: 'Bad_Name' }, 'service'], [{ colour: 'red' }, 'colour']] as const) {
      const res = await t.call<{ field?: string; message: string }>('POST', '/pgdeck/activity', body);
      expect([res.status, res.body.message], JSON.stringify(res.body)).toEqual([400, expect.stringContaining(field)]);
    }
  });

  it('GET /v2/pgdeck/key states what the calling key may do, and asking leaves nothing in the activity', async () => {
    expect((await t.call<{ extensions: string[] }>('GET', '/pgdeck')).body.extensions).toContain('key-rights');
    const before = (await activity({ limit: 1 }))[0]?.id;
    const rightsOf = async (creds: typeof t.admin) => (await t.call<{ name: string; role: string; rights: string[] }>('GET', '/pgdeck/key', undefined, creds)).body;
    expect(await rightsOf(t.admin)).toEqual({ name: ADMIN, role: 'admin', rights: ['write', 'delete-service', 'termination-protection', 'reveal'] });
    expect(await rightsOf(t.keyFor('operator', 'ops-erin'))).toEqual({ name: 'ops-erin', role: 'operator', rights: ['write', 'reveal'] });
    expect(await rightsOf(t.keyFor('viewer', 'viewer-frank'))).toEqual({ name: 'viewer-frank', role: 'viewer', rights: [] });
    expect((await activity({ limit: 1 }))[0]?.id).toBe(before);
  });
});

describe('settings history', () => {
  it('keeps each change of the tracked settings as before → after with who made it; a refused change leaves none', async () => {
    const operator = t.keyFor('operator', 'ops-carol');
    const history = async () => (await t.call<SettingsHistory>('POST', '/pgdeck/dbaas-postgres/audited/settings-history', {})).body.history;
    const before = await history();
    // created with: the first entry, before null
    expect(before.at(-1)).toMatchObject({ key: ADMIN, before: null, after: { plan: 'hobbyist-2' } });

    const put = await t.call<Operation>('PUT', '/dbaas-postgres/audited', { 'pg-settings': { idle_in_transaction_session_timeout: 60000 }, 'work-mem': 8 }, operator);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await t.waitOperation(put.body.id)).state).toBe('success');
    expect(await queryAs(t, await t.getService('audited'), 'SHOW idle_in_transaction_session_timeout')).toEqual([{ idle_in_transaction_session_timeout: '1min' }]);
    const refused = await t.call('PUT', '/dbaas-postgres/audited', { 'pg-settings': { idle_in_transaction_session_timeout: 'many' } }, operator);
    expect(refused.status).toBe(400);

    const after = await until('the change in the history', async () => {
      const h = await history();
      return h.length > before.length ? h : undefined;
    }, 10_000, 100);
    expect(after).toHaveLength(before.length + 1);
    const change = after[0];
    expect(change).toMatchObject({
      key: 'ops-carol',
      before: { 'pg-settings': {}, 'work-mem': null },
      after: { 'pg-settings': { idle_in_transaction_session_timeout: 60000 }, 'work-mem': 8 },
    });
    // the request that made it
    const [entry] = await activity({ key: 'ops-carol' });
    expect(entry?.status).toBe(400);
    expect(change?.['activity-id']).toBe(entry ? entry.id - 1 : -1);
    expect((await t.call('POST', '/pgdeck/dbaas-postgres/nope/settings-history', {})).status).toBe(404);
  });
});
