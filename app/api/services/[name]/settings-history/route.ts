// POST /api/services/{name}/settings-history – a page of the service's settings changes, newest first (the
// upstream's /v2/pgdeck extension)
import { z } from 'zod';
import { settingsHistoryRequestSchema } from '@/lib/schemas/activity';
import { serviceNameSchema } from '@/lib/schemas/common';
import { withSession } from '@/lib/server/route';

const params = z.object({ name: serviceNameSchema });

export const POST = withSession({ params, body: settingsHistoryRequestSchema }, ({ params, body, upstream }) =>
  upstream('POST', `/pgdeck/dbaas-postgres/${encodeURIComponent(params.name)}/settings-history`, body),
);
