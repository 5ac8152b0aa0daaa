// The pg-settings keys of the public API (json-schema-pg): where each sits in
// the request body, which PostgreSQL parameter it sets, the unit its numbers
// are in, and the public bounds. Types, bounds, descriptions and restart
// needs come from the installed PostgreSQL's pg_settings; these public bounds
// only narrow them, so public clients keep working unchanged.
import type { SettingSchema } from '@/lib/schemas/settings';

export const pgGroups = {
  autovacuum: 'Autovacuum',
  'bg-writer': 'Background writer',
  wal: 'Write-ahead log (WAL)',
} as const;
export type PgGroup = keyof typeof pgGroups;

/** The public part of a key's schema: its JSON type and the bounds the API allows. */
export type PublicBounds = Pick<SettingSchema, 'type' | 'minimum' | 'maximum' | 'enum' | 'pattern' | 'maxLength' | 'anyOf'>;

export interface PgKey {
  key: string;
  group?: PgGroup;
  /** The parameter in pg_settings, lower case (pg_settings says TimeZone; PostgreSQL ignores case). */
  pg: string;
  /** The unit API values are in; PostgreSQL's own unit for the key except where the API counts otherwise. */
  unit?: string;
  public: PublicBounds;
  /** Our own words where PostgreSQL's short_desc would mislead (it names another unit). */
  description?: string;
}

const MAX_INT = 2147483647;
const int = (minimum: number, maximum: number): PublicBounds => ({ type: 'integer', minimum, maximum });
const num = (minimum: number, maximum: number): PublicBounds => ({ type: 'number', minimum, maximum });
const oneOf = (...values: string[]): PublicBounds => ({ type: 'string', enum: values });
const k = (key: string, pub: PublicBounds, unit?: string, group?: PgGroup): PgKey => ({ key, group, pg: key, unit, public: pub });

export const pgKeys: PgKey[] = [
  k('autovacuum_analyze_scale_factor', num(0, 1), undefined, 'autovacuum'),
  k('autovacuum_analyze_threshold', int(0, MAX_INT), undefined, 'autovacuum'),
  k('autovacuum_freeze_max_age', int(200000000, 1500000000), undefined, 'autovacuum'),
  k('autovacuum_max_workers', int(1, 20), undefined, 'autovacuum'),
  k('autovacuum_naptime', int(1, 86400), 's', 'autovacuum'),
  k('autovacuum_vacuum_cost_delay', int(-1, 100), 'ms', 'autovacuum'),
  k('autovacuum_vacuum_cost_limit', int(-1, 10000), undefined, 'autovacuum'),
  k('autovacuum_vacuum_scale_factor', num(0, 1), undefined, 'autovacuum'),
  k('autovacuum_vacuum_threshold', int(0, MAX_INT), undefined, 'autovacuum'),
  k('log_autovacuum_min_duration', int(-1, MAX_INT), 'ms', 'autovacuum'),
  k('bgwriter_delay', int(10, 10000), 'ms', 'bg-writer'),
  k('bgwriter_flush_after', int(0, 2048), '8kB', 'bg-writer'),
  k('bgwriter_lru_maxpages', int(0, 1073741823), undefined, 'bg-writer'),
  k('bgwriter_lru_multiplier', num(0, 10), undefined, 'bg-writer'),
  k('max_slot_wal_keep_size', int(-1, MAX_INT), 'MB', 'wal'),
  k('max_wal_senders', int(20, 256), undefined, 'wal'),
  // 0 turns the timeout off; otherwise the public API wants at least 5 seconds
  k('wal_sender_timeout', { ...int(0, 10800000), anyOf: [int(0, 0), int(5000, 10800000)] }, 'ms', 'wal'),
  k('wal_writer_delay', int(10, 200), 'ms', 'wal'),
  k('deadlock_timeout', int(500, 1800000), 'ms'),
  k('default_toast_compression', oneOf('lz4', 'pglz')),
  k('idle_in_transaction_session_timeout', int(0, 604800000), 'ms'),
  k('io_combine_limit', int(1, 32), '8kB'),
  k('io_max_combine_limit', int(1, 128), '8kB'),
  k('io_max_concurrency', int(-1, 1024)),
  k('io_method', oneOf('io_uring', 'sync', 'worker')),
  k('io_workers', int(1, 32)),
  k('jit', { type: 'boolean' }),
  k('log_error_verbosity', oneOf('DEFAULT', 'TERSE', 'VERBOSE')),
  // the public values carry the quotes of a postgresql.conf line
  k('log_line_prefix', oneOf(
    "'%m [%p] %q[user=%u,db=%d,app=%a] '",
    "'%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h '",
    "'pid=%p,user=%u,db=%d,app=%a,client=%h '",
    "'pid=%p,user=%u,db=%d,app=%a,client=%h,txid=%x,qid=%Q '",
  )),
  k('log_min_duration_statement', int(-1, 86400000), 'ms'),
  k('log_temp_files', int(-1, MAX_INT), 'kB'),
  k('max_files_per_process', int(1000, 4096)),
  k('max_locks_per_transaction', int(64, 6400)),
  k('max_logical_replication_workers', int(4, 256)),
  k('max_parallel_workers', int(0, 96)),
  k('max_parallel_workers_per_gather', int(0, 96)),
  k('max_pred_locks_per_transaction', int(64, 5120)),
  k('max_prepared_transactions', int(0, 10000)),
  k('max_replication_slots', int(8, 256)),
  // PostgreSQL counts kB; the public bounds (2-6 MiB) are bytes
  {
    ...k('max_stack_depth', int(2097152, 6291456), 'B'),
    description: 'Sets the deepest the server\'s execution stack may safely grow, in bytes (PostgreSQL itself counts kilobytes).',
  },
  k('max_standby_archive_delay', int(1, 43200000), 'ms'),
  k('max_standby_streaming_delay', int(1, 43200000), 'ms'),
  k('max_sync_workers_per_subscription', int(2, 8)),
  k('max_worker_processes', int(8, 288)),
  k('password_encryption', oneOf('md5', 'scram-sha-256')),
  k('temp_file_limit', int(-1, MAX_INT), 'kB'),
  { key: 'timezone', pg: 'timezone', public: { type: 'string', maxLength: 64, pattern: '^[\\w/]*$' } },
  k('pg_stat_statements.track', oneOf('all', 'top', 'none')),
  k('track_activity_query_size', int(1024, 10240), 'B'),
  // booleans in PostgreSQL, "off"/"on" strings in the public API
  k('track_commit_timestamp', oneOf('off', 'on')),
  k('track_functions', oneOf('all', 'none', 'pl')),
  k('track_io_timing', oneOf('off', 'on')),
];

/** Public keys this engine cannot take: their extension libraries are not installed or not loaded. */
export const unsupportedPgKeys: Record<string, string> = {
  'pg_partman_bgw.interval': 'pg_partman is not installed on this engine',
  'pg_partman_bgw.role': 'pg_partman is not installed on this engine',
  'pg_stat_monitor.pgsm_enable_query_plan': 'pg_stat_monitor is not installed on this engine',
  'pg_stat_monitor.pgsm_max_buckets': 'pg_stat_monitor is not installed on this engine',
};
