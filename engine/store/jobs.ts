// Scheduled jobs: one row per job, with when it is due next. Written before
// and after each run, so a job due while the engine was stopped is found due
// at the next start.
import type { Db } from './db';
import { now } from './db';

export interface JobRecord {
  name: string;
  kind: string;
  service: string | null;
  dueAt: string;
  lastRunAt: string | null;
  lastResult: string | null;
}

interface JobRow { name: string; kind: string; service: string | null; due_at: string; last_run_at: string | null; last_result: string | null }

const toJob = (r: JobRow): JobRecord => ({
  name: r.name, kind: r.kind, service: r.service, dueAt: r.due_at, lastRunAt: r.last_run_at, lastResult: r.last_result,
});

export class JobStore {
  constructor(private readonly db: Db) {}

  get(name: string): JobRecord | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE name = ?').get(name) as JobRow | undefined;
    return row && toJob(row);
  }

  list(): JobRecord[] {
    return (this.db.prepare('SELECT * FROM jobs ORDER BY due_at').all() as JobRow[]).map(toJob);
  }

  /** Jobs due at `at` or before, the most overdue first. */
  due(at: Date): JobRecord[] {
    return (this.db.prepare('SELECT * FROM jobs WHERE due_at <= ? ORDER BY due_at').all(at.toISOString()) as JobRow[]).map(toJob);
  }

  /** Adds a job unless one of that name exists (its schedule then stays as it is). */
  ensure(name: string, kind: string, service: string | null, dueAt: Date): void {
    this.db.prepare('INSERT OR IGNORE INTO jobs (name, kind, service, due_at, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(name, kind, service, dueAt.toISOString(), now());
  }

  reschedule(name: string, dueAt: Date): void {
    this.db.prepare('UPDATE jobs SET due_at = ? WHERE name = ?').run(dueAt.toISOString(), name);
  }

  /** Records a run and when the job is due next, together. */
  ran(name: string, at: Date, result: string, next: Date): void {
    this.db.prepare('UPDATE jobs SET last_run_at = ?, last_result = ?, due_at = ? WHERE name = ?')
      .run(at.toISOString(), result.slice(0, 1024), next.toISOString(), name);
  }

  remove(name: string): void {
    this.db.prepare('DELETE FROM jobs WHERE name = ?').run(name);
  }
}
