// The pgbouncer, pglookout and timescaledb sections of the settings document:
// PgBouncer's documented bounds (narrowed by the public ones), pglookout's one
// key, and TimescaleDB's section left empty while it is not installed.
import type { SettingSchema, SettingsSection } from '@/lib/schemas/settings';
import { versionAtLeast } from '../runtime/pgbouncer-binary';

const section = (title: string, description: string, properties: Record<string, SettingSchema>): SettingsSection => ({
  type: 'object',
  title,
  description,
  properties: Object.fromEntries(Object.entries(properties).map(([key, p]) => [key, { title: key, ...p }])),
  additionalProperties: false,
});

const int = (minimum: number, maximum: number, dflt: number, description: string, unit?: string): SettingSchema => ({
  type: 'integer', minimum, maximum, default: dflt, description, ...(unit ? { 'x-unit': unit } : {}), 'x-requires-restart': false,
});

/** PgBouncer from this version on takes max_prepared_statements. */
export const PREPARED_STATEMENTS_SINCE = '1.21';

/** Keys by the installed PgBouncer's version; null when none is installed. */
export function pgbouncerSection(version: string | null): SettingsSection {
  const props: Record<string, SettingSchema> = {
    autodb_idle_timeout: int(0, 86400, 3600, 'Seconds an automatically created pool may stay unused before it is removed; 0 keeps it', 's'),
    autodb_max_db_connections: int(0, 2147483647, 0, 'Most server connections per database for automatically created pools, whatever the user; 0 for no limit'),
    autodb_pool_mode: {
      type: 'string', enum: ['session', 'transaction', 'statement'], default: 'transaction',
      description: 'When a server connection goes back to an automatically created pool: after the session, the transaction or each statement',
      'x-requires-restart': false,
    },
    autodb_pool_size: int(0, 10000, 0, 'Size of the pool created on the fly for a database and user that have none; 0 creates none'),
    ignore_startup_parameters: {
      type: 'array', maxItems: 32, items: { type: 'string', enum: ['extra_float_digits', 'search_path'] },
      // what pgbouncer.ts writes while the key is unset
      default: ['extra_float_digits'],
      description: 'Startup parameters PgBouncer lets clients send although it does not track them',
      'x-requires-restart': false,
    },
    min_pool_size: int(0, 10000, 0, 'Server connections each pool keeps open even when idle, at most its size'),
    server_idle_timeout: int(0, 86400, 600, 'Seconds an idle server connection is kept before it is closed; 0 keeps it', 's'),
    server_lifetime: int(60, 86400, 3600, 'Seconds after which an unused server connection is closed and replaced', 's'),
    server_reset_query_always: {
      type: 'boolean', default: false, description: 'Clean the session (DISCARD ALL) after every pooling mode, not only session pooling',
      'x-requires-restart': false,
    },
  };
  if (version && versionAtLeast(version, PREPARED_STATEMENTS_SINCE)) {
    props.max_prepared_statements = int(0, 3000, 100, 'Protocol-level prepared statements PgBouncer tracks per connection in transaction and statement pooling; 0 turns the tracking off');
  }
  return section('PgBouncer', 'Connection pooler settings, applied with a reload', props);
}

export const pglookoutSection = (): SettingsSection =>
  section('Failover (pglookout)', 'Automatic failover on plans with standbys (2 or 3 nodes); a change applies at once. A single node is restarted in place instead', {
    max_failover_replication_time_lag: int(10, Number.MAX_SAFE_INTEGER, 60, 'Seconds the primary may be unreachable before a standby takes over', 's'),
  });

export const timescaledbSection = (): SettingsSection =>
  section('TimescaleDB', 'TimescaleDB is not installed on this engine: no settings', {});
