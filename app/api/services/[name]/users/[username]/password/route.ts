// GET /api/services/{name}/users/{username}/password – reveal; PUT – reset (given or generated)
import { z } from 'zod';
import { serviceNameSchema, usernameSchema } from '@/lib/schemas/common';
import { resetPasswordSchema } from '@/lib/schemas/user';
import { withSession } from '@/lib/server/route';

const params = z.object({ name: serviceNameSchema, username: usernameSchema });
const path = (p: z.infer<typeof params>) => `/dbaas-postgres/${p.name}/user/${encodeURIComponent(p.username)}/password`;

export const GET = withSession({ params }, ({ params, upstream }) => upstream('GET', `${path(params)}/reveal`));
export const PUT = withSession({ params, body: resetPasswordSchema }, ({ params, body, upstream }) => upstream('PUT', `${path(params)}/reset`, body));
