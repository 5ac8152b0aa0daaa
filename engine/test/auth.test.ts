// Signature verification, key roles and the read-only endpoints, over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '@/lib/api-v2/signer';
import { removeDataDir, startEngine, type TestEngine } from './harness';

let t: TestEngine;
let base: string;

beforeAll(async () => {
  t = await startEngine();
  base = t.admin.baseUrl;
});
afterAll(async () => {
  await t?.stop();
  removeDataDir(t.dataDir);
});

const nowS = () => Math.floor(Date.now() / 1000);

async function raw(path: string, init: { method?: string; authorization?: string; body?: string } = {}) {
  const res = await fetch(`${base.replace(/\/v2$/, '')}${path}`, {
    method: init.method ?? 'GET',
    headers: init.authorization ? { authorization: init.authorization } : {},
    body: init.body,
  });
  return { status: res.status, body: (await res.json()) as { message?: string } };
}

const sign = (method: string, path: string, opts: { body?: string; expires?: number; key?: string; secret?: string; query?: Record<string, string> } = {}) =>
  signRequest(opts.key ?? t.admin.key, opts.secret ?? t.admin.secret, {
    method,
    path,
    body: opts.body,
    query: opts.query,
    expires: opts.expires ?? nowS() + 600,
  });

describe('request signatures', () => {
  it('accepts a correctly signed request, with signed query arguments too', async () => {
    expect((await raw('/v2/zone', { authorization: sign('GET', '/v2/zone') })).status).toBe(200);
    const query = { b: '2', a: '1' };
    const res = await raw('/v2/zone?a=1&b=2', { authorization: sign('GET', '/v2/zone', { query }) });
    expect(res.status).toBe(200);
  });

  const revoked = () => {
    const k = t.keyFor('admin', 'to-revoke');
    t.engine.keys.revoke('to-revoke');
    return k;
  };

  it.each([
    ['no header', () => undefined],
    ['another scheme', () => 'Bearer abc'],
    ['a malformed header', () => 'EXO2-HMAC-SHA256 credential=x'],
    ['an unknown key', () => sign('GET', '/v2/zone', { key: 'EXOunknown' })],
    ['a revoked key', () => {
      const k = revoked();
      return sign('GET', '/v2/zone', { key: k.key, secret: k.secret });
    }],
    ['a wrong secret', () => sign('GET', '/v2/zone', { secret: 'not-the-secret' })],
    ['an expired signature', () => sign('GET', '/v2/zone', { expires: nowS() - 5 })],
    ['an expiry a day ahead', () => sign('GET', '/v2/zone', { expires: nowS() + 86_400 })],
    ['a signature for another path', () => sign('GET', '/v2/dbaas-service')],
    ['a signature for another method', () => sign('POST', '/v2/zone')],
  ])('refuses %s with 403 and a message', async (_name, header) => {
    const res = await raw('/v2/zone', { authorization: header() });
    expect(res.status).toBe(403);
    expect(res.body.message).toEqual(expect.any(String));
  });

  it('refuses a body other than the one signed', async () => {
    const authorization = sign('POST', '/v2/dbaas-postgres/x', { body: '{"plan":"hobbyist-2"}' });
    const res = await raw('/v2/dbaas-postgres/x', { method: 'POST', authorization, body: '{"plan":"startup-4"}' });
    expect(res.status).toBe(403);
  });

  it('refuses a query argument changed after signing', async () => {
    const res = await raw('/v2/zone?a=2', { authorization: sign('GET', '/v2/zone', { query: { a: '1' } }) });
    expect(res.status).toBe(403);
  });

  it('logs one line per request with the key name, never the secret or signature', async () => {
    await t.call('GET', '/zone');
    const line = t.logs.find((l) => l.startsWith('GET /v2/zone 200'));
    expect(line).toMatch(/^GET \/v2\/zone 200 [\d.]+ms key=bootstrap-admin$/);
    const all = t.logs.join('\n');
    expect(all).not.toContain(t.admin.secret);
    expect(all).not.toContain('signature=');
  });
});

describe('roles', () => {
  it('a viewer reads but cannot change anything', async () => {
    const viewer = t.keyFor('viewer');
    expect((await t.call('GET', '/dbaas-service', undefined, viewer)).status).toBe(200);
    const res = await t.call<{ message: string }>('POST', '/dbaas-postgres/nope', { plan: 'hobbyist-2' }, viewer);
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/viewer/);
    expect((await t.call('DELETE', '/dbaas-postgres/nope', undefined, viewer)).status).toBe(403);
    expect((await t.call('GET', '/dbaas-postgres/nope/user/x/password/reveal', undefined, viewer)).status).toBe(403);
  });

  it('an operator cannot delete services nor switch termination protection', async () => {
    const operator = t.keyFor('operator');
    expect((await t.call('DELETE', '/dbaas-postgres/nope', undefined, operator)).status).toBe(403);
    expect((await t.call('DELETE', '/dbaas-service/nope', undefined, operator)).status).toBe(403);
    expect((await t.call('PUT', '/dbaas-postgres/nope', { 'termination-protection': false }, operator)).status).toBe(403);
    // but it may do the rest: an unknown service is a 404, not a 403
    expect((await t.call('PUT', '/dbaas-postgres/nope', { maintenance: { dow: 'monday', time: '01:00:00' } }, operator)).status).toBe(404);
  });
});

describe('read-only endpoints', () => {
  it('GET /v2/zone points back at this engine', async () => {
    const res = await t.call<{ zones: { name: string; 'api-endpoint': string }[] }>('GET', '/zone');
    expect(res.body.zones).toEqual([{ name: 'local', 'api-endpoint': base }]);
  });

  it('GET /v2/dbaas-service-type lists the installed majors and the public plan names', async () => {
    const res = await t.call<{ 'dbaas-service-types': Record<string, unknown>[] }>('GET', '/dbaas-service-type');
    const [pgType] = res.body['dbaas-service-types'];
    expect(pgType).toMatchObject({ name: 'pg', 'available-versions': ['13', '14', '15', '16', '17', '18'], 'default-version': '18' });
    const plans = (pgType?.plans ?? []) as Record<string, unknown>[];
    const byName = Object.fromEntries(plans.map((p) => [p.name, p]));
    expect(byName['hobbyist-2']).toMatchObject({ 'node-count': 1, authorized: true, 'node-memory': 2 * 1024 ** 3 });
    expect(byName['startup-4']).toMatchObject({ 'node-count': 1, 'node-cpu-count': 2, authorized: true });
    expect(byName['business-4']).toMatchObject({ 'node-count': 2, authorized: true });
    expect(byName['premium-4']).toMatchObject({ 'node-count': 3, authorized: true });
    expect(byName['startup-4']?.['backup-config']).toMatchObject({ interval: 24 });
    const one = await t.call('GET', '/dbaas-service-type/pg');
    expect(one.body).toEqual(pgType);
    expect((await t.call('GET', '/dbaas-service-type/mysql')).status).toBe(404);
  });

  it('GET /v2/dbaas-ca-certificate returns the CA as PEM', async () => {
    const res = await t.call<{ certificate: string }>('GET', '/dbaas-ca-certificate');
    expect(res.body.certificate).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it('GET /v2/operation/{id}: unknown is 404, malformed is 400', async () => {
    expect((await t.call('GET', '/operation/3b241101-e2bb-4255-8caf-4136c566a962')).status).toBe(404);
    const bad = await t.call<{ field: string }>('GET', '/operation/not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('id');
  });

  it('an unknown endpoint is a 404 with a message', async () => {
    const res = await t.call<{ message: string }>('GET', '/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.message).toMatch(/no such endpoint/);
  });
});
