// GET, POST (create), PUT (update), DELETE /api/services/{name}
import { z } from 'zod';
import { serviceNameSchema } from '@/lib/schemas/common';
import { createServiceSchema, updateServiceSchema } from '@/lib/schemas/service';
import { withSession } from '@/lib/server/route';
import { readService, servicePath as path } from '@/lib/server/services';

const params = z.object({ name: serviceNameSchema });

export const GET = withSession({ params }, ({ params, upstream }) => readService(upstream, params.name));
export const POST = withSession({ params, body: createServiceSchema }, ({ params, body, upstream }) => upstream('POST', path(params.name), body));
export const PUT = withSession({ params, body: updateServiceSchema }, ({ params, body, upstream }) => upstream('PUT', path(params.name), body));
export const DELETE = withSession({ params }, ({ params, upstream }) => upstream('DELETE', path(params.name)));
