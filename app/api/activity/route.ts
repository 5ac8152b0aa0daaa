// POST /api/activity – who changed what, a page of it (the upstream's /v2/pgdeck extension), each entry in words; no
// bodies for viewer keys
import { activityRequestSchema } from '@/lib/schemas/activity';
import { readActivity } from '@/lib/server/activity';
import { withSession } from '@/lib/server/route';

export const POST = withSession({ body: activityRequestSchema }, ({ body, upstream }) => readActivity(upstream, body));
