import { describe, expect, it } from 'vitest';
import { withUriPassword, withoutPasswords, withoutUriPassword } from './redact';

const uri = 'postgres://avnadmin:s3cret-pw@127.0.0.1:25432/defaultdb?sslmode=require';

describe('redact', () => {
  it('removes every password of a service view', () => {
    const redacted = withoutPasswords({
      name: 'x',
      type: 'pg',
      plan: 'p',
      uri,
      'uri-params': { host: '127.0.0.1', user: 'avnadmin', password: 's3cret-pw' },
      'connection-info': {
        uri: [uri],
        params: [{ user: 'avnadmin', password: 's3cret-pw' }],
        standby: ['postgres://avnadmin:s3cret-pw@127.0.0.1:25433/defaultdb?sslmode=require'],
        syncing: ['postgres://avnadmin:s3cret-pw@127.0.0.1:25434/defaultdb?sslmode=require'],
      },
      users: [{ type: 'primary', username: 'avnadmin', password: 's3cret-pw' }, { type: 'normal', username: 'app', password: 'other-pw' }],
      'connection-pools': [
        { name: 'web', database: 'defaultdb', mode: 'transaction', size: 10, username: 'app', 'connection-uri': 'postgres://app:other-pw@127.0.0.1:26432/web?sslmode=require' },
        { name: 'any', database: 'defaultdb', mode: 'session', size: 5, 'connection-uri': 'postgres://127.0.0.1:26432/any?sslmode=require' },
      ],
    });
    expect(JSON.stringify(redacted)).not.toMatch(/s3cret-pw|other-pw/);
    expect(redacted.uri).toBe('postgres://avnadmin@127.0.0.1:25432/defaultdb?sslmode=require');
    expect(redacted['connection-info']?.standby).toEqual(['postgres://avnadmin@127.0.0.1:25433/defaultdb?sslmode=require']);
    expect(redacted['connection-info']?.syncing).toEqual(['postgres://avnadmin@127.0.0.1:25434/defaultdb?sslmode=require']);
    expect(redacted.users).toEqual([{ type: 'primary', username: 'avnadmin' }, { type: 'normal', username: 'app' }]);
    expect(redacted['connection-pools']?.map((p) => p['connection-uri'])).toEqual([
      'postgres://app@127.0.0.1:26432/web?sslmode=require',
      'postgres://127.0.0.1:26432/any?sslmode=require',
    ]);
    expect(redacted['connection-pools']?.[0]).toMatchObject({ name: 'web', database: 'defaultdb', mode: 'transaction', size: 10, username: 'app' });
  });

  it('puts a password back, URI-encoded', () => {
    expect(withUriPassword(withoutUriPassword(uri), 'a/b@c')).toBe('postgres://avnadmin:a%2Fb%40c@127.0.0.1:25432/defaultdb?sslmode=require');
    expect(withoutUriPassword('postgres://avnadmin@h:1/d')).toBe('postgres://avnadmin@h:1/d');
    // typed by hand, not percent-encoded: nothing of the password stays
    expect(withoutUriPassword('postgres://u:p@ss/w@rd@db.example.com:5432/x')).toBe('postgres://u@db.example.com:5432/x');
  });
});
