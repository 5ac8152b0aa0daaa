// POST /api/services/{name}/migration/stop – cut a syncing migration over, or stop one still copying
import { z } from 'zod';
import { serviceNameSchema } from '@/lib/schemas/common';
import { withSession } from '@/lib/server/route';
import { servicePath } from '@/lib/server/services';

const params = z.object({ name: serviceNameSchema });

export const POST = withSession({ params }, ({ params, upstream }) => upstream('POST', `${servicePath(params.name)}/migration/stop`));
