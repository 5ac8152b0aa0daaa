import { describe, expect, it } from 'vitest';
import type { ActivityEntry } from '@/lib/schemas/activity';
import { readActivity } from './activity';
import type { Upstream } from './upstream';

const entry = (e: Partial<ActivityEntry> & Pick<ActivityEntry, 'route' | 'path' | 'method'>): ActivityEntry => ({
  id: 1,
  time: '2026-12-03T10:42:13.512Z',
  key: { name: 'alice', role: 'operator' },
  service: null,
  status: 200,
  operation: null,
  client: '127.0.0.1',
  ...e,
});

/** An upstream that answers the activity as given, keeping what it was asked. */
function upstream(activity: ActivityEntry[]) {
  const asked: unknown[] = [];
  const u = (async (method: string, path: string, body?: unknown) => {
    asked.push({ method, path, body });
    return { activity, next: 7 };
  }) as Upstream;
  return { u, asked };
}

describe('readActivity', () => {
  it('asks the extension with the filters and answers each entry in words', async () => {
    const { u, asked } = upstream([
      entry({ method: 'PUT', route: 'PUT /v2/dbaas-postgres/:service/user/:username/password/reset', path: '/v2/dbaas-postgres/shop/user/app/password/reset', service: 'shop', body: { password: '[redacted]' }, operation: { id: 'op', command: 'reset-password', state: 'success' } }),
    ]);
    const page = await readActivity(u, { key: 'alice', limit: 50 });
    expect(asked).toEqual([{ method: 'POST', path: '/pgdeck/activity', body: { key: 'alice', limit: 50 } }]);
    expect(page.next).toBe(7);
    expect(page.activity[0]).toMatchObject({ what: 'Reset password of app', outcome: { tone: 'green', text: '200 · succeeded' }, service: 'shop' });
  });

  it("tells a sign-in's rights probes for what they are, with no service to link to", async () => {
    const { u } = upstream([
      entry({ method: 'PUT', route: 'PUT /v2/dbaas-postgres/:name', path: '/v2/dbaas-postgres/pgdeck-probe-0a1b2c3d4e5f', service: 'pgdeck-probe-0a1b2c3d4e5f', body: { 'termination-protection': false }, status: 403 }),
      entry({ method: 'DELETE', route: 'DELETE /v2/dbaas-postgres/:name', path: '/v2/dbaas-postgres/PGDECK_PROBE_4e5f', service: 'PGDECK_PROBE_4e5f', status: 400 }),
      entry({ method: 'PUT', route: 'PUT /v2/dbaas-postgres/:name', path: '/v2/dbaas-postgres/pgdeck-probe-0a1b2c3d4e5f', service: 'pgdeck-probe-0a1b2c3d4e5f', status: 404 }),
    ]);
    const { activity } = await readActivity(u, {});
    expect(activity.map((e) => [e.what, e.outcome.text, e.service])).toEqual([
      ['Signed in to the console: checked the right to change termination protection', 'not allowed', null],
      ['Signed in to the console: checked the right to delete services', 'allowed', null],
      ['Signed in to the console: checked the right to change services', 'allowed', null],
    ]);
  });
});
