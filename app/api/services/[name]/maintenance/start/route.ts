// PUT /api/services/{name}/maintenance/start – apply the pending updates now
import { z } from 'zod';
import { serviceNameSchema } from '@/lib/schemas/common';
import { withSession } from '@/lib/server/route';
import { servicePath } from '@/lib/server/services';

const params = z.object({ name: serviceNameSchema });

export const PUT = withSession({ params }, ({ params, upstream }) => upstream('PUT', `${servicePath(params.name)}/maintenance/start`));
