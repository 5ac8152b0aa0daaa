// POST /api/services/{name}/query-statistics – the service's top statements (the upstream's /v2/pgdeck extension)
import { z } from 'zod';
import { serviceNameSchema } from '@/lib/schemas/common';
import { queryStatsRequestSchema } from '@/lib/schemas/query-stats';
import { withSession } from '@/lib/server/route';

const params = z.object({ name: serviceNameSchema });

export const POST = withSession({ params, body: queryStatsRequestSchema }, ({ params, body, upstream }) =>
  upstream('POST', `/pgdeck/dbaas-postgres/${encodeURIComponent(params.name)}/query-statistics`, body),
);
