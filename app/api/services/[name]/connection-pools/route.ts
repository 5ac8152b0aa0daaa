// POST /api/services/{name}/connection-pools – create a connection pool
import { z } from 'zod';
import { serviceNameSchema } from '@/lib/schemas/common';
import { createPoolSchema } from '@/lib/schemas/pool';
import { withSession } from '@/lib/server/route';

const params = z.object({ name: serviceNameSchema });

export const POST = withSession({ params, body: createPoolSchema }, ({ params, body, upstream }) =>
  upstream('POST', `/dbaas-postgres/${params.name}/connection-pool`, body),
);
