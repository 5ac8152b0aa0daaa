// POST /api/services/{name}/databases – create a database
import { z } from 'zod';
import { serviceNameSchema } from '@/lib/schemas/common';
import { createDatabaseSchema } from '@/lib/schemas/database';
import { withSession } from '@/lib/server/route';

const params = z.object({ name: serviceNameSchema });

export const POST = withSession({ params, body: createDatabaseSchema }, ({ params, body, upstream }) =>
  upstream('POST', `/dbaas-postgres/${params.name}/database`, body),
);
