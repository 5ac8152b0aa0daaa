// Read replicas, the one integration this engine implements: a service (dest)
// that streams from another (source) with a role and a physical slot of its
// own on the source's master. Removed when the replica is promoted or deleted.
import { randomUUID } from 'node:crypto';
import type { Db } from './db';
import { now } from './db';

export type IntegrationStatus = 'building' | 'streaming' | 'promoting';

export interface IntegrationRecord {
  id: string;
  type: 'read_replica';
  source: string;
  dest: string;
  /** The login role and slot on the source: pgdeck_replica_<12 hex of id>. */
  role: string;
  /** Its password (sealed); in the replica's passfile, never on a command line. */
  passwordSealed: string;
  slot: string;
  status: IntegrationStatus;
  createdAt: string;
}

interface Row { id: string; type: 'read_replica'; source: string; dest: string; role: string; password_sealed: string; slot: string; status: IntegrationStatus; created_at: string }

const toRecord = (r: Row): IntegrationRecord => ({
  id: r.id, type: r.type, source: r.source, dest: r.dest, role: r.role, passwordSealed: r.password_sealed, slot: r.slot, status: r.status, createdAt: r.created_at,
});

export class IntegrationStore {
  constructor(private readonly db: Db) {}

  /** A new read replica's row: its id, and the role and slot named after it. */
  insert(source: string, dest: string, passwordSealed: string): IntegrationRecord {
    const id = randomUUID();
    const role = `pgdeck_replica_${id.replaceAll('-', '').slice(0, 12)}`;
    this.db.prepare("INSERT INTO integrations (id, type, source, dest, role, password_sealed, slot, status, created_at) VALUES (?, 'read_replica', ?, ?, ?, ?, ?, 'building', ?)")
      .run(id, source, dest, role, passwordSealed, role, now());
    return this.get(id) as IntegrationRecord;
  }

  get(id: string): IntegrationRecord | undefined {
    const row = this.db.prepare('SELECT * FROM integrations WHERE id = ?').get(id) as Row | undefined;
    return row && toRecord(row);
  }

  /** The integration that makes `dest` a replica, if it is one. */
  replicaOf(dest: string): IntegrationRecord | undefined {
    const row = this.db.prepare('SELECT * FROM integrations WHERE dest = ?').get(dest) as Row | undefined;
    return row && toRecord(row);
  }

  /** The read replicas of `source`. */
  replicasOf(source: string): IntegrationRecord[] {
    return (this.db.prepare('SELECT * FROM integrations WHERE source = ? ORDER BY created_at').all(source) as Row[]).map(toRecord);
  }

  /** Every integration the service takes part in, as source or dest. */
  forService(name: string): IntegrationRecord[] {
    return (this.db.prepare('SELECT * FROM integrations WHERE source = ? OR dest = ? ORDER BY created_at').all(name, name) as Row[]).map(toRecord);
  }

  setStatus(id: string, status: IntegrationStatus): void {
    this.db.prepare('UPDATE integrations SET status = ? WHERE id = ?').run(status, id);
  }

  remove(id: string): void {
    this.db.prepare('DELETE FROM integrations WHERE id = ?').run(id);
  }
}
