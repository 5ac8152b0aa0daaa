// POST /api/services/{name}/upgrade-check – start checking an upgrade to another major (a dbaas-task)
import { z } from 'zod';
import { serviceNameSchema } from '@/lib/schemas/common';
import { upgradeCheckSchema } from '@/lib/schemas/task';
import { withSession } from '@/lib/server/route';
import { servicePath } from '@/lib/server/services';

const params = z.object({ name: serviceNameSchema });

export const POST = withSession({ params, body: upgradeCheckSchema }, ({ params, body, upstream }) => upstream('POST', `${servicePath(params.name)}/upgrade-check`, body));
