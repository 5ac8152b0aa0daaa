// POST /api/services/{name}/metrics – the service's metrics for a period (read-only keys too)
import { z } from 'zod';
import { serviceNameSchema } from '@/lib/schemas/common';
import { metricsRequestSchema } from '@/lib/schemas/metrics';
import { withSession } from '@/lib/server/route';

const params = z.object({ name: serviceNameSchema });

export const POST = withSession({ params, body: metricsRequestSchema }, ({ params, body, upstream }) =>
  upstream('POST', `/dbaas-service-metrics/${encodeURIComponent(params.name)}`, body),
);
