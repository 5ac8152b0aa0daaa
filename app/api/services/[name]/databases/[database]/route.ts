// DELETE /api/services/{name}/databases/{database} – delete a database
import { z } from 'zod';
import { databaseNameSchema, serviceNameSchema } from '@/lib/schemas/common';
import { withSession } from '@/lib/server/route';

const params = z.object({ name: serviceNameSchema, database: databaseNameSchema });

export const DELETE = withSession({ params }, ({ params, upstream }) =>
  upstream('DELETE', `/dbaas-postgres/${params.name}/database/${encodeURIComponent(params.database)}`),
);
