// POST /api/services/{name}/users – create a user
import { z } from 'zod';
import { serviceNameSchema } from '@/lib/schemas/common';
import { createUserSchema } from '@/lib/schemas/user';
import { withSession } from '@/lib/server/route';

const params = z.object({ name: serviceNameSchema });

export const POST = withSession({ params, body: createUserSchema }, ({ params, body, upstream }) =>
  upstream('POST', `/dbaas-postgres/${params.name}/user`, body),
);
