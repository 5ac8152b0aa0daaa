// DELETE /api/services/{name}/users/{username} – delete a user
import { z } from 'zod';
import { serviceNameSchema, usernameSchema } from '@/lib/schemas/common';
import { withSession } from '@/lib/server/route';

const params = z.object({ name: serviceNameSchema, username: usernameSchema });

export const DELETE = withSession({ params }, ({ params, upstream }) =>
  upstream('DELETE', `/dbaas-postgres/${params.name}/user/${encodeURIComponent(params.username)}`),
);
