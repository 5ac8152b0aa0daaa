// GET /api/services/{name}/tasks/{id} – a dbaas-task of the service, such as an upgrade check
import { z } from 'zod';
import { serviceNameSchema } from '@/lib/schemas/common';
import { taskIdSchema } from '@/lib/schemas/task';
import { withSession } from '@/lib/server/route';

const params = z.object({ name: serviceNameSchema, id: taskIdSchema });

export const GET = withSession({ params }, ({ params, upstream }) => upstream('GET', `/dbaas-task/${params.name}/${params.id}`));
