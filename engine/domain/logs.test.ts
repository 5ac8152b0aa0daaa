import { describe, expect, it } from 'vitest';
import { parseLines, redactSecrets, redactValue } from './logs';

describe('redactSecrets', () => {
  it.each([
    [`ALTER ROLE "app" LOGIN PASSWORD 'SCRAM-SHA-256$4096:c2FsdA==$a:b'`, `ALTER ROLE "app" LOGIN PASSWORD '[redacted]'`],
    [`CREATE ROLE x PASSWORD 'it''s secret' VALID UNTIL 'infinity'`, `CREATE ROLE x PASSWORD '[redacted]' VALID UNTIL 'infinity'`],
    [`alter user x password $q$s3cret$q$;`, `alter user x password '[redacted]';`],
    [`ALTER ROLE x PASSWORD 'never closed`, `ALTER ROLE x PASSWORD '[redacted]'`],
    [`could not connect: host=db password=hunter2 dbname=x`, `could not connect: host=db password=[redacted] dbname=x`],
    [`conninfo 'password=''a b'''`, `conninfo 'password=[redacted]`],
    [`postgres://app:hunter2@db:5432/x`, `postgres://app:[redacted]@db:5432/x`],
    [`verifier md5${'0123456789abcdef'.repeat(2)} seen`, 'verifier md5[redacted] seen'],
    [`FATAL:  password authentication failed for user "app"`, `FATAL:  password authentication failed for user "app"`],
  ])('case %#', (line, expected) => expect(redactSecrets(line)).toBe(expected));
});

describe('redactValue', () => {
  it('replaces every field named like a secret, at any depth, and passwords inside URIs and connection strings', () => {
    expect(redactValue({
      plan: 'startup-4',
      'admin-password': 'a1',
      migration: { host: 'db', password: 'a2', ssl: true },
      integrations: [{ settings: { 'api-token': 'a3', 'client-secret': 'a4' } }],
      uri: 'postgres://u:a5@db:5432/x',
      dsn: 'host=db password=a6 user=u',
      'allow-replication': false,
      password: '',
    })).toEqual({
      plan: 'startup-4',
      'admin-password': '[redacted]',
      migration: { host: 'db', password: '[redacted]', ssl: true },
      integrations: [{ settings: { 'api-token': '[redacted]', 'client-secret': '[redacted]' } }],
      uri: 'postgres://u:[redacted]@db:5432/x',
      dsn: 'host=db password=[redacted] user=u',
      'allow-replication': false,
      password: '',
    });
  });
});

describe('parseLines', () => {
  it('takes the time from the prefix, joins tab-continued lines, keeps a line without a prefix at the last time', () => {
    const text = [
      '2026-12-02 21:41:27.283 UTC [11443] app@db LOG:  duration: 1.0 ms  statement: SELECT 1,',
      '\t  2',
      'a line without a prefix',
      '2026-12-02 21:41:28.5 UTC [1] LOG process up',
      '',
    ].join('\n');
    expect(parseLines(text, 'n-1', 'postgresql', '2000-01-01T00:00:00.000Z')).toEqual([
      { time: '2026-12-02T21:41:27.283Z', node: 'n-1', unit: 'postgresql', message: '2026-12-02 21:41:27.283 UTC [11443] app@db LOG:  duration: 1.0 ms  statement: SELECT 1,\n\t  2' },
      { time: '2026-12-02T21:41:27.283Z', node: 'n-1', unit: 'postgresql', message: 'a line without a prefix' },
      { time: '2026-12-02T21:41:28.5Z', node: 'n-1', unit: 'postgresql', message: '2026-12-02 21:41:28.5 UTC [1] LOG process up' },
    ]);
  });

  it('cuts a huge message and says so', () => {
    const [line] = parseLines(`x${'y'.repeat(40_000)}\n`, 'n', 'pgbouncer', '2000-01-01T00:00:00.000Z');
    expect(line?.message).toMatch(/… \[cut at 16384 bytes\]$/);
  });
});
