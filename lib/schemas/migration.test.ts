import { describe, expect, it } from 'vitest';
import { passfileText, sourceConninfo, sourceEnv } from '@/engine/runtime/migration-source';
import { conninfoValue } from '@/engine/runtime/sql-text';
import { migrationSchema, migrationSource, parseSourceUri, sourceUri } from './migration';

describe('migration object', () => {
  it('refuses hosts libpq would read as a socket, a list or more options', () => {
    for (const host of ['/var/run/postgresql', 'a,b', 'a b', "a'b", 'host=x', '']) {
      const r = migrationSchema.safeParse({ host, port: 5432 });
      expect(r.success, host).toBe(false);
      expect(r.error?.issues[0]?.path).toEqual(['host']);
    }
    for (const host of ['db.example.com', '127.0.0.1', '::1', '[::1]', 'my-db-1']) expect(migrationSchema.safeParse({ host, port: 5432 }).success, host).toBe(true);
  });

  it('names the field and the reason', () => {
    const r = migrationSchema.safeParse({ host: 'h', port: 70000, method: 'copy', 'ignore-dbs': 'a,,b' });
    expect(r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'port: must be between 1 and 65535',
      'ignore-dbs: must be a comma-separated list of database names, with no empty name',
      expect.stringMatching(/^method: /),
    ]);
  });

  it('decides every field: ssl true is verify-full, false is disable', () => {
    expect(migrationSource({ host: 'h', port: 5 })).toEqual({
      host: 'h', port: 5, username: 'postgres', password: null, dbname: 'postgres', sslMode: 'verify-full', caPem: null, ignoreDbs: [], method: null,
    });
    expect(migrationSource({ host: '[::1]', port: 5, ssl: false, 'ignore-dbs': ' a, b ,a' })).toMatchObject({ host: '::1', sslMode: 'disable', ignoreDbs: ['a', 'b'] });
    expect(migrationSource({ host: 'h', port: 5, ssl: true, 'pgdeck-ssl-mode': 'require' }).sslMode).toBe('require');
  });
});

describe('source URI', () => {
  it('parses user, password, host, port, database and sslmode', () => {
    const r = parseSourceUri('postgres://app%40x:p%3Aw%2Fd@db.example.com:6432/shop?sslmode=require');
    expect(r).toEqual({ ok: true, migration: { host: 'db.example.com', port: 6432, username: 'app@x', password: 'p:w/d', dbname: 'shop', ssl: true, 'pgdeck-ssl-mode': 'require' } });
    expect(parseSourceUri('postgresql://u@127.0.0.1/')).toEqual({ ok: true, migration: { host: '127.0.0.1', port: 5432, username: 'u', ssl: true } });
    expect(parseSourceUri('postgres://u@h/d?sslmode=disable')).toMatchObject({ ok: true, migration: { ssl: false } });
  });

  it('refuses what would let a URI pick files or sockets', () => {
    expect(parseSourceUri('postgres://u@h/d?sslrootcert=/etc/passwd')).toEqual({ ok: false, reason: 'the query parameter "sslrootcert" is not accepted (only sslmode is)' });
    expect(parseSourceUri('postgres://u@h/d?host=/run/x')).toMatchObject({ ok: false });
    expect(parseSourceUri('mysql://u@h/d')).toMatchObject({ ok: false, reason: 'must start with postgres:// or postgresql://' });
    expect(parseSourceUri('not a uri')).toMatchObject({ ok: false });
    expect(parseSourceUri('postgres://u@h/d?sslmode=prefer')).toMatchObject({ ok: false });
  });

  it('round-trips through sourceUri, and leaves the password out when asked', () => {
    const m = { host: 'h', port: 1, username: 'a b', password: 'p@ss:w', dbname: 'x/y', ssl: true };
    const back = parseSourceUri(sourceUri(m));
    expect(back).toMatchObject({ ok: true, migration: { ...m } });
    expect(sourceUri(m, false)).toBe('postgres://a%20b@h:1/x%2Fy?sslmode=verify-full');
  });
});

describe('what libpq reads', () => {
  const src = migrationSource({ host: 'h', port: 5432, username: 'u:1', password: "p\\a:ss'w" });
  const files = { passfile: '/svc/migration/pgpass', caFile: '/svc/migration/ca.pem' };

  it('escapes a passfile line', () => {
    expect(passfileText(src)).toBe("h:5432:*:u\\:1:p\\\\a\\:ss'w\n");
  });

  it('builds a conninfo with a passfile and no password', () => {
    const c = sourceConninfo(src, "o'db", files);
    expect(c).toContain("dbname='o\\'db'");
    expect(c).toContain("passfile='/svc/migration/pgpass'");
    expect(c).not.toContain("ss'w");
    expect(c).not.toContain('password');
    expect(conninfoValue('a\\b')).toBe("'a\\\\b'");
  });

  it('hands programs an environment without the password', () => {
    const env = sourceEnv(src, 'db', files);
    expect(Object.values(env).join(' ')).not.toContain("p\\a:ss'w");
    expect(env).toMatchObject({ PGPASSFILE: files.passfile, PGSSLMODE: 'verify-full', PGSSLROOTCERT: files.caFile });
  });
});
