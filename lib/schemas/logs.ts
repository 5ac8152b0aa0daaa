// POST /v2/dbaas-service-logs/{service-name}: the request and the answer, as the API document has them.
import { z } from 'zod';

export const LOG_UNITS = ['postgresql', 'pgbouncer'] as const;

export const serviceLogsRequestSchema = z.strictObject({
  limit: z.number().int().min(1, 'must be at least 1').max(500, 'must be at most 500').optional(),
  'sort-order': z.enum(['asc', 'desc']).optional(),
  /** Opaque to clients: the `offset` of an earlier answer. */
  offset: z.string().regex(/^\d{1,15}$/, 'must be the offset of an earlier answer').optional(),
});

export type ServiceLogsRequest = z.infer<typeof serviceLogsRequestSchema>;

export const serviceLogEntrySchema = z.object({
  time: z.string(),
  message: z.string(),
  node: z.string(),
  unit: z.string(),
});

export const serviceLogsSchema = z.object({
  logs: z.array(serviceLogEntrySchema),
  /** Where the next page starts: older entries for desc, newer for asc. */
  offset: z.string().optional(),
  /** The offset of the first entry of this page. */
  'first-log-offset': z.string().optional(),
});

export type ServiceLogEntry = z.infer<typeof serviceLogEntrySchema>;
export type ServiceLogs = z.infer<typeof serviceLogsSchema>;
