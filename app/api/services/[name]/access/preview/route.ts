// POST /api/services/{name}/access/preview – the statements a change of access would run, changing nothing
import { z } from 'zod';
import { accessChangeSchema } from '@/lib/schemas/access';
import { serviceNameSchema } from '@/lib/schemas/common';
import { withSession } from '@/lib/server/route';

const params = z.object({ name: serviceNameSchema });

export const POST = withSession({ params, body: accessChangeSchema }, ({ params, body, upstream }) =>
  upstream('POST', `/pgdeck/dbaas-postgres/${encodeURIComponent(params.name)}/access/preview`, body),
);
