// Where a migration is, read from GET /v2/dbaas-migration-status/{name}: what
// can be done now, and how often to ask again. Each database's state is read
// in database-reading.ts: the overview's actions (a first-load island) need
// none of it.
import type { MigrationStatus, MigrationStatusView } from '@/lib/schemas/migration';

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
