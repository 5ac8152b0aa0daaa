// Query statistics (issue 14), an extension beside the public contract: the service's top statements by total
// time, mean time, calls or rows, read from pg_stat_statements on its master. Every node preloads the library
// (instance.ts); the extension's view is created in the engine's `postgres` database, not in the user's, the
// first time it is asked for. A service started before the preload gets it at its next restart (maintenance).
import { ApiError } from '@/lib/api-v2/errors';
import type { QueryStats, QueryStatsRequest } from '@/lib/schemas/query-stats';
import { SUPERUSER } from '../runtime/instance';
import type { Engine } from './engine';
import { masterSpec, requireService } from './lookup';

const ORDER = {
  'total-time': 'total_exec_time',
  'mean-time': 'mean_exec_time',
  calls: 'calls',
  rows: 'rows',
} as const;

interface Row {
  query: string;
  database: string | null;
  user: string | null;
  calls: string;
  total: number;
  mean: number;
  rows: string;
  hit: string;
  read: string;
}

export async function queryStatistics(engine: Engine, name: string, req: QueryStatsRequest): Promise<QueryStats> {
  const svc = requireService(engine, name);
  const spec = masterSpec(engine, svc);
  const loaded = await engine.runtime.query<{ on: boolean }>(spec,
    "SELECT 'pg_stat_statements' = ANY(string_to_array(current_setting('shared_preload_libraries'), ',')) AS on");
  if (!loaded[0]?.on) {
    throw new ApiError('conflict', `query statistics: ${name} runs without pg_stat_statements; it is loaded at its next restart (PUT /v2/dbaas-postgres/${name}/maintenance/start)`);
  }
  await engine.runtime.query(spec, 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  const order = ORDER[req['order-by'] ?? 'total-time'];
  // the engine's own statements (as the superuser) are not the service's workload
  const rows = await engine.runtime.query<Row>(spec,
    `SELECT s.query, d.datname AS database, r.rolname AS "user", s.calls::text AS calls, s.total_exec_time AS total,
            s.mean_exec_time AS mean, s.rows::text AS rows, s.shared_blks_hit::text AS hit, s.shared_blks_read::text AS read
       FROM pg_stat_statements s LEFT JOIN pg_database d ON d.oid = s.dbid LEFT JOIN pg_roles r ON r.oid = s.userid
      WHERE r.rolname IS DISTINCT FROM $1
      ORDER BY s.${order} DESC, s.queryid LIMIT $2`, [SUPERUSER, req.limit ?? 20]);
  const info = Number(spec.binaries.major) >= 14
    ? await engine.runtime.query<{ since: Date | null }>(spec, 'SELECT stats_reset AS since FROM pg_stat_statements_info')
    : [];
  return {
    'query-statistics': rows.map((r) => {
      const [hit, read] = [Number(r.hit), Number(r.read)];
      return {
        query: r.query,
        database: r.database,
        user: r.user,
        calls: Number(r.calls),
        'total-time-ms': Math.round(r.total * 1000) / 1000,
        'mean-time-ms': Math.round(r.mean * 1000) / 1000,
        rows: Number(r.rows),
        'cache-hit-ratio': hit + read === 0 ? null : Math.round((hit / (hit + read)) * 10000) / 10000,
      };
    }),
    since: info[0]?.since ? new Date(info[0].since).toISOString() : null,
  };
}
