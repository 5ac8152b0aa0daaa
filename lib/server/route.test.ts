// The console's cross-site check on mutations.
import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { checkSameOrigin } from './route';

const req = (headers: Record<string, string>) =>
  new NextRequest('http://127.0.0.1:3000/api/services/x', { method: 'POST', headers: { host: '127.0.0.1:3000', ...headers } });

describe('checkSameOrigin', () => {
  it.each([
    ['the same origin', { origin: 'http://127.0.0.1:3000' }],
    ['no Origin but a same-origin fetch', { 'sec-fetch-site': 'same-origin' }],
  ])('accepts %s', (_what, headers) => {
    expect(() => checkSameOrigin(req(headers))).not.toThrow();
  });

  it.each([
    ['another origin', { origin: 'http://evil.example' }],
    ['another port', { origin: 'http://127.0.0.1:4000' }],
    ['a malformed origin', { origin: 'null' }],
    ['a cross-site fetch without Origin', { 'sec-fetch-site': 'cross-site' }],
    ['no Origin and no fetch metadata', {}],
  ])('refuses %s with a 403', (_what, headers) => {
    expect(() => checkSameOrigin(req(headers))).toThrow(expect.objectContaining({ status: 403 }));
  });
});
