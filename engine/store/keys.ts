// API keys: key id, human name, role, and the secret sealed at rest.
import { randomBytes } from 'node:crypto';
import type { Db } from './db';
import { now } from './db';
import type { SecretBox } from './secret-box';

export const roles = ['admin', 'operator', 'viewer'] as const;
export type Role = (typeof roles)[number];

export interface ApiKey {
  key: string;
  name: string;
  role: Role;
  createdAt: string;
  revokedAt: string | null;
}

interface Row {
  key: string;
  name: string;
  role: Role;
  secret_sealed: string;
  created_at: string;
  revoked_at: string | null;
}

const toKey = (r: Row): ApiKey => ({ key: r.key, name: r.name, role: r.role, createdAt: r.created_at, revokedAt: r.revoked_at });

export class KeyStore {
  constructor(private readonly db: Db, private readonly box: SecretBox) {}

  create(name: string, role: Role): { key: string; secret: string } {
    // Same shape as the public keys: EXO + 24 hex characters; secrets 43 url-safe characters.
    const key = `EXO${randomBytes(12).toString('hex')}`;
    const secret = randomBytes(32).toString('base64url');
    this.db
      .prepare('INSERT INTO api_keys (key, name, role, secret_sealed, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(key, name, role, this.box.seal(secret), now());
    return { key, secret };
  }

  list(): ApiKey[] {
    return (this.db.prepare('SELECT * FROM api_keys ORDER BY created_at').all() as Row[]).map(toKey);
  }

  /** The active key and its secret, or null when unknown or revoked. */
  findActive(key: string): (ApiKey & { secret: string }) | null {
    const row = this.db.prepare('SELECT * FROM api_keys WHERE key = ? AND revoked_at IS NULL').get(key) as Row | undefined;
    return row ? { ...toKey(row), secret: this.box.unseal(row.secret_sealed) } : null;
  }

  /** Revokes by key id or name; false when nothing active matched. */
  revoke(keyOrName: string): boolean {
    const r = this.db
      .prepare('UPDATE api_keys SET revoked_at = ? WHERE (key = ? OR name = ?) AND revoked_at IS NULL')
      .run(now(), keyOrName, keyOrName);
    return r.changes > 0;
  }
}
