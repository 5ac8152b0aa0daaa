// Operations: every mutation is recorded here (pending) before it acts, so an
// operation cut off by a crash is found and finished on the next start.
import { randomUUID } from 'node:crypto';
import type { Db } from './db';
import { now } from './db';

export type OperationState = 'pending' | 'success' | 'failure';

export interface OperationRow {
  id: string;
  service: string;
  command: string;
  params: string;
  state: OperationState;
  reason: string | null;
  message: string | null;
  created_at: string;
  updated_at: string;
}

export class OperationStore {
  constructor(private readonly db: Db) {}

  pendingFor(service: string): OperationRow | undefined {
    return this.db.prepare("SELECT * FROM operations WHERE service = ? AND state = 'pending'").get(service) as
      | OperationRow
      | undefined;
  }

  allPending(): OperationRow[] {
    return this.db.prepare("SELECT * FROM operations WHERE state = 'pending' ORDER BY created_at").all() as OperationRow[];
  }

  insert(service: string, command: string, params: unknown): OperationRow {
    const id = randomUUID();
    const t = now();
    this.db
      .prepare("INSERT INTO operations (id, service, command, params, state, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)")
      .run(id, service, command, JSON.stringify(params ?? {}), t, t);
    return this.get(id) as OperationRow;
  }

  finish(id: string, state: 'success' | 'failure', reason?: string, message?: string): void {
    this.db
      .prepare('UPDATE operations SET state = ?, reason = ?, message = ?, updated_at = ? WHERE id = ?')
      .run(state, reason ?? null, message ?? null, now(), id);
  }

  /** A pending operation says how far it got (GET /v2/operation/{id} shows it as its message). */
  progress(id: string, message: string): void {
    this.db.prepare("UPDATE operations SET message = ?, updated_at = ? WHERE id = ? AND state = 'pending'").run(message, now(), id);
  }

  /** Removes finished operations last changed before `before`; pending ones always stay. Answers how many. */
  pruneFinished(before: Date): number {
    return this.db.prepare("DELETE FROM operations WHERE state != 'pending' AND updated_at < ?").run(before.toISOString()).changes;
  }

  get(id: string): OperationRow | undefined {
    return this.db.prepare('SELECT * FROM operations WHERE id = ?').get(id) as OperationRow | undefined;
  }
}
