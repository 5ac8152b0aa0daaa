// POST /v2/dbaas-service-metrics/{service-name}: the period asked for, and the
// answer's shape (Aiven's service metrics, which Exoscale's API passes on).
import { z } from 'zod';

export const metricsPeriods = ['hour', 'day', 'week', 'month', 'year'] as const;

export const metricsRequestSchema = z.strictObject({
  period: z.enum(metricsPeriods, { error: 'must be one of hour, day, week, month, year' }).optional(),
});
export type MetricsRequest = z.infer<typeof metricsRequestSchema>;

/** One named series: a table with a time column and one number column per node, and how to show it. */
export const metricSeriesSchema = z.object({
  data: z.object({
    cols: z.array(z.object({ label: z.string(), type: z.enum(['date', 'number']) })),
    /** [time (ISO 8601, UTC), value per number column (null where not sampled)], oldest first. */
    rows: z.array(z.tuple([z.string()], z.number().nullable())),
  }),
  hints: z.object({ title: z.string(), unit: z.string().optional() }),
});
export type MetricSeries = z.infer<typeof metricSeriesSchema>;

export const serviceMetricsSchema = z.object({ metrics: z.record(z.string(), metricSeriesSchema) });
export type ServiceMetrics = z.infer<typeof serviceMetricsSchema>;
