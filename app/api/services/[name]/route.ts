// GET, POST (create), PUT (update), DELETE /api/services/{name}
import { z } from 'zod';
import { serviceNameSchema } from '@/lib/schemas/common';
import { withoutPasswords } from '@/lib/schemas/redact';
import { createServiceSchema, updateServiceSchema, type ServicePg } from '@/lib/schemas/service';
import { withSession } from '@/lib/server/route';

const params = z.object({ name: serviceNameSchema });
const path = (name: string) => `/dbaas-postgres/${encodeURIComponent(name)}`;

// Passwords stay out of this answer, which the browser caches and refetches; the reveal route serves them one at a time.
export const GET = withSession({ params }, async ({ params, upstream }) => withoutPasswords(await upstream<ServicePg>('GET', path(params.name))));
export const POST = withSession({ params, body: createServiceSchema }, ({ params, body, upstream }) => upstream('POST', path(params.name), body));
export const PUT = withSession({ params, body: updateServiceSchema }, ({ params, body, upstream }) => upstream('PUT', path(params.name), body));
export const DELETE = withSession({ params }, ({ params, upstream }) => upstream('DELETE', path(params.name)));
