// POST /v2/pgdeck/dbaas-postgres/{name}/query-statistics: an extension beside the public contract (the public zones
// do not have it; the console offers it only where the upstream answers it). The top statements of a service from
// pg_stat_statements, which the engine preloads.
import { z } from 'zod';

export const QUERY_STATS_ORDERS = ['total-time', 'mean-time', 'calls', 'rows'] as const;

export const queryStatsRequestSchema = z.strictObject({
  'order-by': z.enum(QUERY_STATS_ORDERS).optional(),
  limit: z.number().int().min(1, 'must be at least 1').max(100, 'must be at most 100').optional(),
});
export type QueryStatsRequest = z.infer<typeof queryStatsRequestSchema>;

export const queryStatSchema = z.object({
  query: z.string(),
  database: z.string().nullable(),
  user: z.string().nullable(),
  calls: z.number(),
  'total-time-ms': z.number(),
  'mean-time-ms': z.number(),
  rows: z.number(),
  /** Shared buffers found in cache, out of those read: null before the first read. */
  'cache-hit-ratio': z.number().nullable(),
});

export const queryStatsSchema = z.object({
  'query-statistics': z.array(queryStatSchema),
  /** When PostgreSQL last reset them (pg_stat_statements_info, 14 and later). */
  since: z.string().nullable(),
});

export type QueryStat = z.infer<typeof queryStatSchema>;
export type QueryStats = z.infer<typeof queryStatsSchema>;
