// POST /api/services/{name}/migration-check – start the pre-check of a migration into the service (an operation naming its dbaas-task)
import { z } from 'zod';
import { serviceNameSchema } from '@/lib/schemas/common';
import { migrationCheckSchema } from '@/lib/schemas/migration';
import { withSession } from '@/lib/server/route';

const params = z.object({ name: serviceNameSchema });

export const POST = withSession({ params, body: migrationCheckSchema }, ({ params, body, upstream }) =>
  upstream('POST', `/dbaas-task-migration-check/${encodeURIComponent(params.name)}`, body),
);
