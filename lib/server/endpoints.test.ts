// Which upstream a sign-in may name: the local engine, a cloud zone, or a base
// the operator allowed, compared in one normal form.
import { describe, expect, it } from 'vitest';
import { normalizeApiBase } from '@/lib/api-v2/endpoints';
import { allowedUpstreams, isPermittedBase, resolveEndpoint } from './endpoints';

const env = { PGDECK_ENGINE_URL: 'http://127.0.0.1:8079/v2', PGDECK_ALLOWED_UPSTREAMS: 'https://dbaas.example.com/v2, http://10.0.0.7:8080/api/v2/' };

describe('normalizeApiBase', () => {
  it.each([
    ['https://dbaas.example.com/v2', 'https://dbaas.example.com/v2'],
    ['HTTPS://DBaaS.Example.com:443/v2/', 'https://dbaas.example.com/v2'],
    ['http://10.0.0.7:8080/api/v2', 'http://10.0.0.7:8080/api/v2'],
    ['http://127.1:8080/v2', 'http://127.0.0.1:8080/v2'],
    ['http://[::1]:8080/v2', 'http://[::1]:8080/v2'],
  ])('%s → %s', (raw, normal) => {
    expect(normalizeApiBase(raw)).toBe(normal);
  });

  it.each([
    'http://127.0.0.1:9/anything?x=/v2',
    'http://127.0.0.1:9/anything#/v2',
    'http://127.0.0.1:9/v2?',
    'http://127.0.0.1:9/v2#',
    'http://user:pw@127.0.0.1:9/v2',
    'http://dbaas.example.com@127.0.0.1:9/v2',
    'http://127.0.0.1:9/%76%32',
    'http://127.0.0.1:9\\v2',
    'file:///v2',
    'ftp://example.com/v2',
    'http://127.0.0.1:9/v2/x',
    'http://127.0.0.1:9/',
    '/v2',
  ])('refuses %s', (raw) => {
    expect(normalizeApiBase(raw)).toBeNull();
  });
});

describe('resolveEndpoint', () => {
  it('takes the local engine and the cloud zones as they are', () => {
    expect(resolveEndpoint({ kind: 'local' }, env)).toEqual({ baseUrl: 'http://127.0.0.1:8079/v2', label: 'Local engine' });
    expect(resolveEndpoint({ kind: 'zone', zone: 'ch-gva-2' }, env)).toEqual({ baseUrl: 'https://api-ch-gva-2.exoscale.com/v2', label: 'ch-gva-2' });
  });

  it('takes an allowed base in any spelling, and calls the allowed entry itself', () => {
    expect(resolveEndpoint({ kind: 'custom', url: 'https://DBAAS.example.com:443/v2/' }, env)).toEqual({ baseUrl: 'https://dbaas.example.com/v2', label: 'dbaas.example.com' });
    expect(resolveEndpoint({ kind: 'custom', url: 'http://10.0.0.7:8080/api/v2' }, env).baseUrl).toBe('http://10.0.0.7:8080/api/v2');
  });

  it.each([
    ['no custom endpoint is allowed by default', {}, 'https://dbaas.example.com/v2'],
    ['the old switch does not turn them on', { PGDECK_CUSTOM_ENDPOINTS: 'on' }, 'https://dbaas.example.com/v2'],
    ['a base not in the list', env, 'https://other.example.com/v2'],
    ['an allowed host on another port', env, 'https://dbaas.example.com:8443/v2'],
    ['an allowed base over plain http', env, 'http://dbaas.example.com/v2'],
    ['a query that ends in /v2', env, 'https://dbaas.example.com/anything?x=/v2'],
    ['a fragment that ends in /v2', env, 'https://dbaas.example.com/anything#/v2'],
    ['an allowed base behind a user', env, 'https://x@dbaas.example.com/v2'],
    ['the local engine named as a custom URL', env, 'http://127.0.0.1:8079/v2'],
  ])('refuses %s with the neutral error', (_what, e, url) => {
    expect(() => resolveEndpoint({ kind: 'custom', url }, e)).toThrow(
      expect.objectContaining({ status: 503, message: expect.stringMatching(/^the endpoint cannot be used/) }),
    );
  });

  it('refuses to run with an allowed entry that is not a clean base', () => {
    expect(() => allowedUpstreams({ PGDECK_ALLOWED_UPSTREAMS: 'http://127.0.0.1:9/x?y=/v2' })).toThrow(/PGDECK_ALLOWED_UPSTREAMS/);
  });

  it('keeps a session only on an upstream still permitted', () => {
    expect(isPermittedBase('https://dbaas.example.com/v2', env)).toBe(true);
    expect(isPermittedBase('https://api-de-fra-1.exoscale.com/v2', env)).toBe(true);
    expect(isPermittedBase('https://dbaas.example.com/v2', { PGDECK_ENGINE_URL: env.PGDECK_ENGINE_URL })).toBe(false);
  });
});
