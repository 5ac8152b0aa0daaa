// GET /api/services/{name}/migration – the service's migration (null when it never had one);
// PUT – start one: PUT /v2/dbaas-postgres/{name} with `migration` alone
import { z } from 'zod';
import { serviceNameSchema } from '@/lib/schemas/common';
import { migrationSchema } from '@/lib/schemas/migration';
import { readMigration } from '@/lib/server/migration';
import { withSession } from '@/lib/server/route';
import { servicePath } from '@/lib/server/services';

const params = z.object({ name: serviceNameSchema });
const body = z.strictObject({ migration: migrationSchema });

export const GET = withSession({ params }, async ({ params, upstream }) => ({ migration: await readMigration(upstream, params.name) }));
export const PUT = withSession({ params, body }, ({ params, body, upstream }) => upstream('PUT', servicePath(params.name), body));
