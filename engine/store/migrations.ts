// A service's migration from another PostgreSQL server (one at a time, the
// latest kept), and each source database's status. The source password is
// sealed here while the migration lives, and forgotten when it ends.
import type { MigrationMethod, MigrationStatus, SslMode } from '@/lib/schemas/migration';
import type { Db } from './db';
import { now } from './db';

/** Where a database is: schema, data and post-data (dump), copy and streaming (replication), cut-over, then done or failed. */
export type MigrationPhase = 'queued' | 'schema' | 'data' | 'post-data' | 'copy' | 'streaming' | 'cut-over' | 'done' | 'failed';

export interface MigrationRecord {
  service: string;
  /** 12 hex digits: names what it makes on the source (publications, slots). */
  id: string;
  /** As asked; null: replication where the source allows it, dump otherwise. */
  method: MigrationMethod | null;
  host: string;
  port: number;
  sslMode: SslMode;
  caPem: string | null;
  username: string;
  dbname: string;
  ignoreDbs: string[];
  passwordSealed: string | null;
  status: MigrationStatus;
  error: string | null;
  sourceMajor: string | null;
  /** The operation working on it now (migration, migration-stop). */
  operation: string | null;
  rolesCreated: string[];
  /** What could not be dropped on the source, as the SQL to run there. */
  leftovers: string[];
  startedAt: string;
  finishedAt: string | null;
  updatedAt: string;
}

export interface MigrationDatabase {
  service: string;
  dbname: string;
  method: MigrationMethod;
  status: MigrationStatus;
  phase: MigrationPhase;
  error: string | null;
  /** The migration made the target database (a retry of a failed attempt drops it). */
  created: boolean;
  sourceOid: number | null;
  stopLsn: string | null;
  tablesTotal: number | null;
  tablesDone: number | null;
  bytesTotal: number | null;
  lagBytes: number | null;
  warning: string | null;
  updatedAt: string;
}

interface MigrationRow {
  service: string; id: string; method: string | null; host: string; port: number; ssl_mode: string; ca_pem: string | null; username: string;
  dbname: string; ignore_dbs: string; password_sealed: string | null; status: string; error: string | null; source_major: string | null;
  operation: string | null; roles_created: string; leftovers: string; started_at: string; finished_at: string | null; updated_at: string;
}

interface DatabaseRow {
  service: string; dbname: string; method: string; status: string; phase: string; error: string | null; created: number; source_oid: number | null;
  stop_lsn: string | null; tables_total: number | null; tables_done: number | null; bytes_total: number | null; lag_bytes: number | null;
  warning: string | null; updated_at: string;
}

const toMigration = (r: MigrationRow): MigrationRecord => ({
  service: r.service, id: r.id, method: r.method as MigrationMethod | null, host: r.host, port: r.port, sslMode: r.ssl_mode as SslMode,
  caPem: r.ca_pem, username: r.username, dbname: r.dbname, ignoreDbs: JSON.parse(r.ignore_dbs) as string[], passwordSealed: r.password_sealed,
  status: r.status as MigrationStatus, error: r.error, sourceMajor: r.source_major, operation: r.operation,
  rolesCreated: JSON.parse(r.roles_created) as string[], leftovers: JSON.parse(r.leftovers) as string[],
  startedAt: r.started_at, finishedAt: r.finished_at, updatedAt: r.updated_at,
});

const toDatabase = (r: DatabaseRow): MigrationDatabase => ({
  service: r.service, dbname: r.dbname, method: r.method as MigrationMethod, status: r.status as MigrationStatus, phase: r.phase as MigrationPhase,
  error: r.error, created: r.created === 1, sourceOid: r.source_oid, stopLsn: r.stop_lsn, tablesTotal: r.tables_total, tablesDone: r.tables_done,
  bytesTotal: r.bytes_total, lagBytes: r.lag_bytes, warning: r.warning, updatedAt: r.updated_at,
});

const MIGRATION_COLUMNS: Record<string, string> = {
  method: 'method', status: 'status', error: 'error', sourceMajor: 'source_major', operation: 'operation', passwordSealed: 'password_sealed',
  rolesCreated: 'roles_created', leftovers: 'leftovers', finishedAt: 'finished_at',
};
const DATABASE_COLUMNS: Record<string, string> = {
  method: 'method', status: 'status', phase: 'phase', error: 'error', created: 'created', sourceOid: 'source_oid', stopLsn: 'stop_lsn',
  tablesTotal: 'tables_total', tablesDone: 'tables_done', bytesTotal: 'bytes_total', lagBytes: 'lag_bytes', warning: 'warning',
};

/** SQLite values: arrays as JSON, booleans as 0/1. */
const sqlValue = (v: unknown): unknown => (Array.isArray(v) ? JSON.stringify(v) : typeof v === 'boolean' ? Number(v) : v);

function setClause(change: Record<string, unknown>, columns: Record<string, string>): { sql: string; values: unknown[] } {
  const entries = Object.entries(change).filter(([k, v]) => v !== undefined && columns[k]);
  return { sql: entries.map(([k]) => `${columns[k]} = ?`).join(', '), values: entries.map(([, v]) => sqlValue(v)) };
}

export type NewMigration = Pick<MigrationRecord, 'service' | 'id' | 'method' | 'host' | 'port' | 'sslMode' | 'caPem' | 'username' | 'dbname'
  | 'ignoreDbs' | 'passwordSealed' | 'operation'>;

export class MigrationStore {
  constructor(private readonly db: Db) {}

  get(service: string): MigrationRecord | undefined {
    const row = this.db.prepare('SELECT * FROM migrations WHERE service = ?').get(service) as MigrationRow | undefined;
    return row && toMigration(row);
  }

  /** Migrations still at work: running or syncing. */
  live(): MigrationRecord[] {
    return (this.db.prepare("SELECT * FROM migrations WHERE status IN ('running', 'syncing')").all() as MigrationRow[]).map(toMigration);
  }

  /** A new attempt replaces the last one and its databases' rows. */
  start(m: NewMigration): MigrationRecord {
    const t = now();
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM migrations WHERE service = ?').run(m.service);
      this.db.prepare(`INSERT INTO migrations (service, id, method, host, port, ssl_mode, ca_pem, username, dbname, ignore_dbs, password_sealed, status,
        operation, started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)`)
        .run(m.service, m.id, m.method, m.host, m.port, m.sslMode, m.caPem, m.username, m.dbname, JSON.stringify(m.ignoreDbs), m.passwordSealed,
          m.operation, t, t);
    })();
    return this.get(m.service) as MigrationRecord;
  }

  update(service: string, change: Partial<Omit<MigrationRecord, 'service' | 'id'>>): void {
    const { sql, values } = setClause(change, MIGRATION_COLUMNS);
    if (!sql) return;
    this.db.prepare(`UPDATE migrations SET ${sql}, updated_at = ? WHERE service = ?`).run(...values, now(), service);
  }

  databases(service: string): MigrationDatabase[] {
    return (this.db.prepare('SELECT * FROM migration_databases WHERE service = ? ORDER BY dbname').all(service) as DatabaseRow[]).map(toDatabase);
  }

  database(service: string, dbname: string): MigrationDatabase | undefined {
    const row = this.db.prepare('SELECT * FROM migration_databases WHERE service = ? AND dbname = ?').get(service, dbname) as DatabaseRow | undefined;
    return row && toDatabase(row);
  }

  addDatabase(service: string, dbname: string, method: MigrationMethod, bytesTotal: number | null): void {
    this.db.prepare(`INSERT INTO migration_databases (service, dbname, method, status, phase, bytes_total, updated_at)
      VALUES (?, ?, ?, 'running', 'queued', ?, ?)`).run(service, dbname, method, bytesTotal, now());
  }

  updateDatabase(service: string, dbname: string, change: Partial<Omit<MigrationDatabase, 'service' | 'dbname'>>): void {
    const { sql, values } = setClause(change, DATABASE_COLUMNS);
    if (!sql) return;
    this.db.prepare(`UPDATE migration_databases SET ${sql}, updated_at = ? WHERE service = ? AND dbname = ?`).run(...values, now(), service, dbname);
  }
}
