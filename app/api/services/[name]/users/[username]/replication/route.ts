// PUT /api/services/{name}/users/{username}/replication – allow or forbid replication
import { z } from 'zod';
import { serviceNameSchema, usernameSchema } from '@/lib/schemas/common';
import { allowReplicationSchema } from '@/lib/schemas/user';
import { withSession } from '@/lib/server/route';

const params = z.object({ name: serviceNameSchema, username: usernameSchema });

export const PUT = withSession({ params, body: allowReplicationSchema }, ({ params, body, upstream }) =>
  upstream('PUT', `/dbaas-postgres/${params.name}/user/${encodeURIComponent(params.username)}/allow-replication`, body),
);
