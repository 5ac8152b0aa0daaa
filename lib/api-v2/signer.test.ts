import { describe, expect, it } from 'vitest';
import { computeSignature, parseAuthorization, signRequest, signatureMatches, signatureMessage } from './signer';

const KEY = 'EXOxxxxxxxxxxxxxxxxxxxxxxxx';
const SECRET = 'X'.repeat(43);
const EXPIRES = 3376684800;

describe('EXO2-HMAC-SHA256 test vectors', () => {
  it.each([
    ['GET', '/v2/zone', undefined, undefined, 'Ntbq/p0HVmA3Zg1HHY+Lq1vjFGi7HeMrrgXDS5jRNlY='],
    ['GET', '/v2/zone', undefined, { k2: 'v2', k1: 'v1' }, 'iqOBz13+44L5j0uJclE8hmUhQQcvtCSoPEOXYK6liqY='],
    ['POST', '/v2/load-balancer', '{"name": "foo"}', undefined, 'duldkM0+pgWRtUznj0rMrZauzsYOtSVLn1LCGcs7CcE='],
  ])('%s %s', (method, path, body, query, signature) => {
    const header = signRequest(KEY, SECRET, { method, path, body, query, expires: EXPIRES });
    expect(header).toContain(`signature=${signature}`);
    if (query) expect(header).toContain('signed-query-args=k1;k2');
  });

  it('builds the documented message for EXOtest', () => {
    const input = { method: 'GET', path: '/v2/dbaas-postgres/foo', expires: 1700000000 };
    expect(signatureMessage(input)).toBe('GET /v2/dbaas-postgres/foo\n\n\n\n1700000000');
    expect(signRequest('EXOtest', 'secret', input)).toBe(
      'EXO2-HMAC-SHA256 credential=EXOtest,expires=1700000000,signature=TTxlaGBeN9ndYL5zyT8AzeaAuMoWU1QGpk+lvju5/Iw=',
    );
  });
});

describe('parseAuthorization', () => {
  it('round-trips a signed header', () => {
    const header = signRequest('EXOa', 's', { method: 'GET', path: '/v2/zone', query: { b: '2', a: '1' }, expires: 5 });
    expect(parseAuthorization(header)).toEqual({
      credential: 'EXOa',
      signedQueryArgs: ['a', 'b'],
      expires: 5,
      signature: expect.any(String),
    });
  });

  it.each([
    [undefined],
    [''],
    ['Bearer abc'],
    ['EXO2-HMAC-SHA256 credential=EXOa,signature=x'],
    ['EXO2-HMAC-SHA256 credential=EXOa,expires=soon,signature=x'],
    ['EXO2-HMAC-SHA256 credential=EXOa,expires=1,expires=2,signature=x'],
    ['EXO2-HMAC-SHA256 garbage'],
  ])('refuses %j', (header) => {
    expect(parseAuthorization(header)).toBeNull();
  });
});

describe('signatureMatches', () => {
  it('accepts the right signature and refuses others', () => {
    const message = 'GET /v2/zone\n\n\n\n1';
    const good = computeSignature('secret', message);
    expect(signatureMatches('secret', message, good)).toBe(true);
    expect(signatureMatches('other', message, good)).toBe(false);
    expect(signatureMatches('secret', message, good.slice(1))).toBe(false);
    expect(signatureMatches('secret', message, '')).toBe(false);
  });
});
