// dbaas-task records: checks that answer at once and finish in the background
// (an upgrade check, later a migration check). `success` stays null until the
// task has finished.
import { randomUUID } from 'node:crypto';
import type { Db } from './db';
import { now } from './db';

export interface ResultCode {
  code: string;
  dbname?: string;
}

export interface TaskRecord {
  id: string;
  service: string;
  type: string;
  params: Record<string, unknown>;
  success: boolean | null;
  result: string;
  resultCodes: ResultCode[];
  createdAt: string;
  finishedAt: string | null;
}

interface TaskRow {
  id: string; service: string; type: string; params: string; success: number | null; result: string; result_codes: string;
  created_at: string; finished_at: string | null;
}

const toTask = (r: TaskRow): TaskRecord => ({
  id: r.id, service: r.service, type: r.type, params: JSON.parse(r.params) as Record<string, unknown>,
  success: r.success === null ? null : r.success === 1, result: r.result, resultCodes: JSON.parse(r.result_codes) as ResultCode[],
  createdAt: r.created_at, finishedAt: r.finished_at,
});

export class TaskStore {
  constructor(private readonly db: Db) {}

  insert(service: string, type: string, params: Record<string, unknown>): TaskRecord {
    const id = randomUUID();
    this.db.prepare('INSERT INTO tasks (id, service, type, params, created_at) VALUES (?, ?, ?, ?, ?)').run(id, service, type, JSON.stringify(params), now());
    return this.get(id) as TaskRecord;
  }

  get(id: string): TaskRecord | undefined {
    const row = this.db.prepare('SELECT * FROM tasks WHERE id = ?').get(id) as TaskRow | undefined;
    return row && toTask(row);
  }

  /** Tasks cut off by an engine stop (they never finish on their own). */
  unfinished(): TaskRecord[] {
    return (this.db.prepare('SELECT * FROM tasks WHERE success IS NULL').all() as TaskRow[]).map(toTask);
  }

  finish(id: string, success: boolean, result: string, resultCodes: ResultCode[]): void {
    this.db.prepare('UPDATE tasks SET success = ?, result = ?, result_codes = ?, finished_at = ? WHERE id = ?')
      .run(success ? 1 : 0, result, JSON.stringify(resultCodes), now(), id);
  }

  /** Removes finished tasks created before `before`; answers how many. */
  pruneFinished(before: Date): number {
    return this.db.prepare('DELETE FROM tasks WHERE success IS NOT NULL AND created_at < ?').run(before.toISOString()).changes;
  }
}
