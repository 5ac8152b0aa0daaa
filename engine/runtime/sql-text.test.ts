import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { confValue, passfileLine, quoteIdent, quoteLiteral, scramVerifier } from './sql-text';

describe('quoteIdent', () => {
  it.each([
    ['users', '"users"'],
    ['Mixed Case', '"Mixed Case"'],
    ['a"; DROP TABLE x; --', '"a""; DROP TABLE x; --"'],
    ['""', '""""""'],
    ["it's", `"it's"`],
    ['back\\slash', '"back\\slash"'],
    ['ünïcode', '"ünïcode"'],
  ])('%j -> %s', (input, expected) => expect(quoteIdent(input)).toBe(expected));

  it.each(['a\0b', ''])('refuses %j', (input) => expect(() => quoteIdent(input)).toThrow());
});

describe('quoteLiteral', () => {
  it.each([
    ['plain', "'plain'"],
    ['', "''"],
    ["it's", "'it''s'"],
    ["'; DROP TABLE x; --", "'''; DROP TABLE x; --'"],
    ['a\\b', "E'a\\\\b'"],
    ["\\'; DROP TABLE x; --", "E'\\\\''; DROP TABLE x; --'"],
    ['line\nbreak', "'line\nbreak'"],
  ])('%j -> %s', (input, expected) => expect(quoteLiteral(input)).toBe(expected));

  it('refuses NUL', () => expect(() => quoteLiteral('a\0')).toThrow(/NUL/));
});

describe('passfileLine', () => {
  it('escapes backslash and colon in every field, as libpq reads them', () => {
    expect(passfileLine('db.example', 5432, '*', 'app:1', 'p\\w:d')).toBe('db.example:5432:*:app\\:1:p\\\\w\\:d\n');
  });
  it('keeps wildcards', () => expect(passfileLine('*', '*', '*', 'r', 'x')).toBe('*:*:*:r:x\n'));
  it('refuses a line break, which would start another entry', () => {
    expect(() => passfileLine('h', 1, '*', 'u', 'a\n*:*:*:postgres:x')).toThrow(/line break/);
  });
  it('refuses NUL', () => expect(() => passfileLine('h', 1, '*', 'u\0', 'x')).toThrow(/NUL/));
});

describe('confValue', () => {
  it.each<[string | number | boolean, string]>([
    [true, 'on'],
    [false, 'off'],
    [5432, '5432'],
    [0.9, '0.9'],
    [-1, '-1'],
    ['md5', "'md5'"],
    ["it's", "'it''s'"],
    ['C:\\data', "'C:\\\\data'"],
    ["x' # comment", "'x'' # comment'"],
  ])('%j -> %s', (input, expected) => expect(confValue(input)).toBe(expected));

  it.each<string | number>(["x'\nlisten_addresses = '*", 'a\rb', 'a\0b', Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses %j',
    (input) => expect(() => confValue(input)).toThrow(),
  );
});

// The verifier format, re-derived here step by step from RFC 5802 / RFC 7677.
const b64 = (b: Buffer): string => b.toString('base64');
function parse(verifier: string): { iterations: number; salt: Buffer; storedKey: Buffer; serverKey: Buffer } {
  const m = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/.exec(verifier);
  if (!m) throw new Error(`not a SCRAM verifier: ${verifier}`);
  const [, it, salt, stored, server] = m as unknown as [string, string, string, string, string];
  const buf = (s: string): Buffer => Buffer.from(s, 'base64');
  return { iterations: Number(it), salt: buf(salt), storedKey: buf(stored), serverKey: buf(server) };
}

describe('scramVerifier', () => {
  const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');

  it('matches an independent step-by-step derivation', () => {
    const salted = pbkdf2Sync('pencil', salt, 4096, 32, 'sha256');
    const storedKey = createHash('sha256').update(createHmac('sha256', salted).update('Client Key').digest()).digest();
    const serverKey = createHmac('sha256', salted).update('Server Key').digest();
    expect(scramVerifier('pencil', salt)).toBe(`SCRAM-SHA-256$4096:${b64(salt)}$${b64(storedKey)}:${b64(serverKey)}`);
  });

  // RFC 7677 section 3 exchange: a server holding only our verifier must accept
  // the client proof and produce the server signature given in the RFC.
  it('authenticates the RFC 7677 example exchange', () => {
    const { storedKey, serverKey } = parse(scramVerifier('pencil', salt, 4096));
    const nonce = 'rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
    const authMessage = `n=user,r=rOprNGfwEbeRWgbNEkqO,r=${nonce},s=${b64(salt)},i=4096,c=biws,r=${nonce}`;
    const proof = Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64');
    const clientSignature = createHmac('sha256', storedKey).update(authMessage).digest();
    const clientKey = Buffer.from(proof.map((byte, i) => byte ^ clientSignature[i]!));
    expect(createHash('sha256').update(clientKey).digest()).toEqual(storedKey);
    expect(b64(createHmac('sha256', serverKey).update(authMessage).digest())).toBe(
      '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
    );
  });

  it('uses a fresh 16-byte salt and the requested iteration count', () => {
    const a = parse(scramVerifier('secret'));
    const b = parse(scramVerifier('secret', undefined, 10000));
    expect(a.iterations).toBe(4096);
    expect(b.iterations).toBe(10000);
    expect(a.salt).toHaveLength(16);
    expect(a.salt.equals(b.salt)).toBe(false);
    expect(a.storedKey).toHaveLength(32);
    expect(a.serverKey).toHaveLength(32);
  });

  it('normalizes like SASLprep, keeping the raw password when nothing would remain', () => {
    expect(scramVerifier('\u2168', salt)).toBe(scramVerifier('IX', salt)); // NFKC
    expect(scramVerifier('a\u00ADb\u00A0c', salt)).toBe(scramVerifier('ab c', salt));
    expect(scramVerifier('a\u200Bb', salt)).toBe(scramVerifier('a b', salt)); // a space, not removed
    const raw = pbkdf2Sync('\u00AD', salt, 4096, 32, 'sha256');
    const serverKey = createHmac('sha256', raw).update('Server Key').digest();
    expect(parse(scramVerifier('\u00AD', salt)).serverKey).toEqual(serverKey);
  });

  it('refuses nonsense parameters', () => {
    expect(() => scramVerifier('x', salt, 0)).toThrow();
    expect(() => scramVerifier('x', Buffer.alloc(0))).toThrow();
  });
});
// Against a real server, the verifier logs in (engine/test/databases-users.test.ts).
