// GET, PUT /api/services/{name}/access – each user's access to each database, and a change of one (the upstream's
// /v2/pgdeck extension)
import { z } from 'zod';
import { accessChangeSchema } from '@/lib/schemas/access';
import { serviceNameSchema } from '@/lib/schemas/common';
import { withSession } from '@/lib/server/route';

const params = z.object({ name: serviceNameSchema });
const accessPath = (name: string) => `/pgdeck/dbaas-postgres/${encodeURIComponent(name)}/access`;

export const GET = withSession({ params }, ({ params, upstream }) => upstream('GET', accessPath(params.name)));

export const PUT = withSession({ params, body: accessChangeSchema }, ({ params, body, upstream }) => upstream('PUT', accessPath(params.name), body));
