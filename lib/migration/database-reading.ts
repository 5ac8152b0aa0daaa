// Each database of a migration as the console says it, read from GET
// /v2/dbaas-migration-status/{name}: the schema, copying tables x of y,
// indexes, syncing with its lag, cutting over, done, failed with the reason.
import type { MigrationDetail } from '@/lib/schemas/migration';

export type DatabaseState = 'schema' | 'copying' | 'indexes' | 'syncing' | 'cutting-over' | 'done' | 'failed';

export interface DatabaseReading {
  dbname: string;
  method?: string;
  state: DatabaseState;
  /** While copying, when the upstream tells it. */
  tables?: { done: number; total: number };
  /** While copying rows, when the upstream tells it: bytes loaded of the source's. */
  bytes?: { done: number; total: number };
  /** While syncing: bytes of the source's WAL not yet applied here (null: not measured right now). */
  lagBytes?: number | null;
  /** Why it failed. */
  reason?: string;
  /** Something passing the upstream says (a source unreachable for a while, being retried). */
  warning?: string;
}

function runningState(phase: string | undefined): DatabaseState {
  if (phase === 'schema') return 'schema';
  if (phase === 'post-data') return 'indexes';
  return 'copying';
}

export function readDatabase(d: MigrationDetail): DatabaseReading {
  const base = { dbname: d.dbname, ...(d.method ? { method: d.method } : {}), ...(d['pgdeck-warning'] ? { warning: d['pgdeck-warning'] } : {}) };
  switch (d.status) {
    case 'failed':
      return { ...base, state: 'failed', reason: d.error || 'no reason was given' };
    case 'done':
      return { ...base, state: 'done' };
    case 'syncing':
      return { ...base, state: d['pgdeck-phase'] === 'cut-over' ? 'cutting-over' : 'syncing', lagBytes: d['pgdeck-lag-bytes'] ?? null };
    case 'running': {
      const total = d['pgdeck-tables-total'];
      const state = runningState(d['pgdeck-phase']);
      if (state !== 'copying') return { ...base, state };
      const bytesTotal = d['pgdeck-bytes-total'];
      const bytesDone = d['pgdeck-bytes-done'];
      return {
        ...base, state,
        ...(total !== undefined ? { tables: { done: d['pgdeck-tables-done'] ?? 0, total } } : {}),
        ...(bytesTotal !== undefined && bytesDone !== undefined ? { bytes: { done: bytesDone, total: bytesTotal } } : {}),
      };
    }
  }
}
