// GET /api/services/{name}/plan-changes – what each other plan would change (the upstream's /v2/pgdeck extension);
// `{"plan-changes": null}` where the upstream lacks it, so the dialog says what the public contract says
import { z } from 'zod';
import { serviceNameSchema } from '@/lib/schemas/common';
import { upstreamExtensions } from '@/lib/server/extensions';
import { withSession } from '@/lib/server/route';

const params = z.object({ name: serviceNameSchema });

export const GET = withSession({ params }, async ({ params, session, upstream }) =>
  (await upstreamExtensions(upstream, session.baseUrl)).includes('plan-changes')
    ? upstream('GET', `/pgdeck/dbaas-postgres/${encodeURIComponent(params.name)}/plan-changes`)
    : { 'plan-changes': null },
);
