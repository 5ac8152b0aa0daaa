// Automatic failovers, one row each: written before every step it takes, so an
// engine killed in the middle finishes it from where it stopped (docs/design/ha.md §4.9).
import { randomUUID } from 'node:crypto';
import type { Db } from './db';
import { now } from './db';

export type FailoverPhase = 'fencing' | 'promoting' | 'repointing' | 'rebuilding' | 'done' | 'held';

export interface FailoverRecord {
  id: string;
  service: string;
  oldNode: string;
  newNode: string | null;
  phase: FailoverPhase;
  /** unreachable: no answer to a new connection; not-running: its postmaster could not be started. */
  reason: string;
  windowSeconds: number;
  lastOkAt: string;
  startedAt: string;
  promotedAt: string | null;
  writableAt: string | null;
  finishedAt: string | null;
  candidates: unknown[];
  /** Milliseconds of each step: fence, choose, promote, repoint, rebuild. */
  phases: Record<string, number>;
  rebuild: 'rewind' | 'copy' | null;
  message: string | null;
}

interface Row {
  id: string; service: string; old_node: string; new_node: string | null; phase: FailoverPhase; reason: string; window_s: number;
  last_ok_at: string; started_at: string; promoted_at: string | null; writable_at: string | null; finished_at: string | null;
  candidates: string; phases: string; rebuild: 'rewind' | 'copy' | null; message: string | null;
}

const toRecord = (r: Row): FailoverRecord => ({
  id: r.id, service: r.service, oldNode: r.old_node, newNode: r.new_node, phase: r.phase, reason: r.reason, windowSeconds: r.window_s,
  lastOkAt: r.last_ok_at, startedAt: r.started_at, promotedAt: r.promoted_at, writableAt: r.writable_at, finishedAt: r.finished_at,
  candidates: JSON.parse(r.candidates) as unknown[], phases: JSON.parse(r.phases) as Record<string, number>, rebuild: r.rebuild, message: r.message,
});

export class FailoverStore {
  constructor(private readonly db: Db) {}

  start(f: { service: string; oldNode: string; reason: string; windowSeconds: number; lastOkAt: string }): FailoverRecord {
    const id = randomUUID();
    this.db.prepare(`INSERT INTO failovers (id, service, old_node, phase, reason, window_s, last_ok_at, started_at)
      VALUES (?, ?, ?, 'fencing', ?, ?, ?, ?)`).run(id, f.service, f.oldNode, f.reason, f.windowSeconds, f.lastOkAt, now());
    return this.get(id) as FailoverRecord;
  }

  get(id: string): FailoverRecord | undefined {
    const row = this.db.prepare('SELECT * FROM failovers WHERE id = ?').get(id) as Row | undefined;
    return row && toRecord(row);
  }

  /** The service's failover not finished yet, if any. */
  open(service: string): FailoverRecord | undefined {
    const row = this.db.prepare("SELECT * FROM failovers WHERE service = ? AND phase <> 'done' ORDER BY started_at DESC LIMIT 1").get(service) as Row | undefined;
    return row && toRecord(row);
  }

  recent(service: string, limit = 10): FailoverRecord[] {
    return (this.db.prepare('SELECT * FROM failovers WHERE service = ? ORDER BY started_at DESC LIMIT ?').all(service, limit) as Row[]).map(toRecord);
  }

  update(id: string, patch: Partial<Pick<FailoverRecord, 'newNode' | 'phase' | 'promotedAt' | 'writableAt' | 'finishedAt' | 'candidates' | 'phases' | 'rebuild' | 'message'>>): void {
    const cols: Record<string, unknown> = {};
    if (patch.newNode !== undefined) cols.new_node = patch.newNode;
    if (patch.phase !== undefined) cols.phase = patch.phase;
    if (patch.promotedAt !== undefined) cols.promoted_at = patch.promotedAt;
    if (patch.writableAt !== undefined) cols.writable_at = patch.writableAt;
    if (patch.finishedAt !== undefined) cols.finished_at = patch.finishedAt;
    if (patch.candidates !== undefined) cols.candidates = JSON.stringify(patch.candidates);
    if (patch.phases !== undefined) cols.phases = JSON.stringify(patch.phases);
    if (patch.rebuild !== undefined) cols.rebuild = patch.rebuild;
    if (patch.message !== undefined) cols.message = patch.message;
    const keys = Object.keys(cols);
    if (!keys.length) return;
    this.db.prepare(`UPDATE failovers SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE id = ?`).run(...keys.map((k) => cols[k]), id);
  }
}
