// Host and Origin checks: what the console accepts as addressed to itself.
import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { checkHost, checkSameOrigin, normalizeOrigin, originPolicy } from './origins';

const req = (headers: Record<string, string>) =>
  new NextRequest('http://127.0.0.1:3000/api/services/x', { method: 'POST', headers: { host: '127.0.0.1:3000', ...headers } });

describe('checkSameOrigin (console on http://127.0.0.1:3000, the default)', () => {
  it.each([
    ['the same origin', { origin: 'http://127.0.0.1:3000' }],
    ['localhost, when addressed as localhost', { host: 'localhost:3000', origin: 'http://localhost:3000' }],
    ['no Origin but a same-origin fetch', { 'sec-fetch-site': 'same-origin' }],
  ])('accepts %s', (_what, headers) => {
    expect(() => checkSameOrigin(req(headers), originPolicy({}))).not.toThrow();
  });

  it.each([
    ['another origin', { origin: 'http://evil.example' }],
    ['another port', { origin: 'http://127.0.0.1:4000' }],
    ['another scheme', { origin: 'https://127.0.0.1:3000' }],
    ['localhost while 127.0.0.1 was addressed', { origin: 'http://localhost:3000' }],
    ['an origin with a path', { origin: 'http://127.0.0.1:3000/x' }],
    ['a malformed origin', { origin: 'null' }],
    ['a cross-site fetch without Origin', { 'sec-fetch-site': 'cross-site' }],
    ['no Origin and no fetch metadata', {}],
    ['a rebound Host with a matching Origin', { host: 'rebind.example:3000', origin: 'http://rebind.example:3000' }],
    ['X-Forwarded-Host when no proxy is trusted', { host: 'rebind.example:3000', 'x-forwarded-host': '127.0.0.1:3000', origin: 'http://rebind.example:3000' }],
  ])('refuses %s with a 403', (_what, headers) => {
    expect(() => checkSameOrigin(req(headers), originPolicy({}))).toThrow(expect.objectContaining({ status: 403 }));
  });
});

describe('checkHost', () => {
  const get = (headers: Record<string, string>) => ({ headers: new Headers(headers) });

  it.each([
    ['the configured host', {}, { host: 'pgdeck.example.com' }],
    ['the configured host with its default port', {}, { host: 'pgdeck.example.com:443' }],
    ['the configured host in capitals', {}, { host: 'PGDECK.example.com' }],
    ['X-Forwarded-Host behind a trusted proxy', { PGDECK_TRUST_PROXY: 'true' }, { host: '10.0.0.5:3000', 'x-forwarded-host': 'pgdeck.example.com', 'x-forwarded-proto': 'https' }],
  ])('accepts %s', (_what, env, headers) => {
    const policy = originPolicy({ PGDECK_ORIGINS: 'https://pgdeck.example.com', ...env });
    expect(() => checkHost(get(headers), policy)).not.toThrow();
  });

  it.each([
    ['another host', {}, { host: 'rebind.example' }],
    ['no Host', {}, {}],
    ['a Host with a path in it', {}, { host: 'pgdeck.example.com/x' }],
    ['a Host with a user in it', {}, { host: 'a@pgdeck.example.com' }],
    ['the right X-Forwarded-Host without a trusted proxy', {}, { host: 'rebind.example', 'x-forwarded-host': 'pgdeck.example.com' }],
    ['another X-Forwarded-Host behind a trusted proxy', { PGDECK_TRUST_PROXY: 'true' }, { host: 'pgdeck.example.com', 'x-forwarded-host': 'rebind.example' }],
    ['plain http behind a trusted proxy', { PGDECK_TRUST_PROXY: 'true' }, { 'x-forwarded-host': 'pgdeck.example.com', 'x-forwarded-proto': 'http' }],
  ])('refuses %s', (_what, env, headers) => {
    const policy = originPolicy({ PGDECK_ORIGINS: 'https://pgdeck.example.com', ...env });
    expect(() => checkHost(get(headers), policy)).toThrow(expect.objectContaining({ status: 403 }));
  });
});

describe('originPolicy', () => {
  it.each([
    [{}, ['http://127.0.0.1:3000', 'http://localhost:3000']],
    [{ HOST: '127.0.0.1', PORT: '3200' }, ['http://127.0.0.1:3200', 'http://localhost:3200']],
    [{ HOST: '0.0.0.0', PORT: '80' }, ['http://127.0.0.1', 'http://[::1]', 'http://localhost']],
    [{ HOST: '::1', PORT: '3000' }, ['http://[::1]:3000', 'http://localhost:3000']],
    [{ PGDECK_ORIGINS: 'https://PgDeck.example.com:443/, http://10.0.0.5:3000' }, ['https://pgdeck.example.com', 'http://10.0.0.5:3000']],
  ])('%j → %j', (env, origins) => {
    expect(originPolicy(env).origins).toEqual(origins);
  });

  it.each(['https://pgdeck.example.com/console', 'https://u@pgdeck.example.com', 'https://pgdeck.example.com?x', 'ftp://pgdeck.example.com', 'pgdeck.example.com'])(
    'refuses to start with PGDECK_ORIGINS=%s',
    (value) => {
      expect(() => originPolicy({ PGDECK_ORIGINS: value })).toThrow(/PGDECK_ORIGINS/);
    },
  );

  it('normalizes an origin as browsers send it', () => {
    expect(normalizeOrigin('HTTP://Example.COM:80')).toBe('http://example.com');
    expect(normalizeOrigin('null')).toBeNull();
  });
});
