// POST /api/services/{name}/logs – a page of the service's PostgreSQL and PgBouncer log lines (read-only keys too)
import { z } from 'zod';
import { serviceNameSchema } from '@/lib/schemas/common';
import { serviceLogsRequestSchema } from '@/lib/schemas/logs';
import { withSession } from '@/lib/server/route';

const params = z.object({ name: serviceNameSchema });

export const POST = withSession({ params, body: serviceLogsRequestSchema }, ({ params, body, upstream }) =>
  upstream('POST', `/dbaas-service-logs/${encodeURIComponent(params.name)}`, body),
);
