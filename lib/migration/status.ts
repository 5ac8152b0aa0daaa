// Where a migration is, read from GET /v2/dbaas-migration-status/{name}: each
// database's state as the console says it (the schema, copying tables x of y,
// indexes, syncing with its lag, cutting over, done, failed with the reason),
// what can be done now, and how often to ask again.
import type { MigrationDetail, MigrationStatus, MigrationStatusView } from '@/lib/schemas/migration';

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

/** Whether a migration is under way: copying, or keeping the service in sync with its source. */
export const isLive = (status: MigrationStatus | undefined): boolean => status === 'running' || status === 'syncing';

/** How often to read the status again: often while copying, less while syncing (it can last days), never after. */
export function statusPollMs(status: MigrationStatus | undefined): number | false {
  if (status === 'running') return 2000;
  if (status === 'syncing') return 5000;
  return false;
}

/** What may be done with a migration now: cut over a syncing one; stop one still copying (it fails, partial). */
export function migrationActions(m: Pick<MigrationStatusView, 'status'> | null | undefined): { cutOver: boolean; abort: boolean; start: boolean } {
  return { cutOver: m?.status === 'syncing', abort: m?.status === 'running', start: !isLive(m?.status) };
}

/**
 * Whether `status` is already that of the migration `operationId` started, not what the previous one left: a
 * live one is (a migration cannot start while another lives), and upstreams that name the operation are asked.
 */
export const isOfOperation = (status: Pick<MigrationStatusView, 'status' | 'pgdeck-operation'>, operationId: string): boolean =>
  isLive(status.status) || status['pgdeck-operation'] === undefined || status['pgdeck-operation'] === operationId;
