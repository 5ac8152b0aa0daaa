// What a service's disk holds, counted one way wherever it is counted: its
// databases and WAL as PostgreSQL sizes them on the master, and its backup
// store. The metrics sampler reads the same figures for disk_used.
import { DirSizer } from '../runtime/metrics-proc';
import type { ServiceRecord } from '../store/services';
import type { Engine } from './engine';
import { masterSpec } from './lookup';

/** Bytes of every database (pg_database_size, the files' sizes). */
export const DATABASES_BYTES_SQL = '(SELECT sum(pg_database_size(oid)) FROM pg_database)::float8';
/** Bytes of the WAL in pg_wal. */
export const WAL_BYTES_SQL = '(SELECT coalesce(sum(size), 0) FROM pg_ls_waldir())::float8';

export interface DiskUse {
  databases: number;
  wal: number;
  backups: number;
  total: number;
}

/** Measured now, on the running master; rejects when it does not answer. */
export async function measureDiskUse(engine: Engine, svc: ServiceRecord): Promise<DiskUse> {
  const [row] = await engine.runtime.query<{ databases: number; wal: number }>(
    masterSpec(engine, svc), `SELECT ${DATABASES_BYTES_SQL} AS databases, ${WAL_BYTES_SQL} AS wal`);
  const databases = row?.databases ?? 0;
  const wal = row?.wal ?? 0;
  const backups = new DirSizer().size(engine.backupRoot(svc));
  return { databases, wal, backups, total: databases + wal + backups };
}
