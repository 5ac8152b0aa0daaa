// PUT (update), DELETE /api/services/{name}/connection-pools/{pool}
import { z } from 'zod';
import { serviceNameSchema } from '@/lib/schemas/common';
import { poolNameSchema, updatePoolSchema } from '@/lib/schemas/pool';
import { withSession } from '@/lib/server/route';

const params = z.object({ name: serviceNameSchema, pool: poolNameSchema });
const path = (p: z.infer<typeof params>) => `/dbaas-postgres/${p.name}/connection-pool/${encodeURIComponent(p.pool)}`;

export const PUT = withSession({ params, body: updatePoolSchema }, ({ params, body, upstream }) => upstream('PUT', path(params), body));
export const DELETE = withSession({ params }, ({ params, upstream }) => upstream('DELETE', path(params)));
