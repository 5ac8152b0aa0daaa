// DELETE /api/integrations/{id} – end an integration: a read replica is promoted to a standalone service
import { z } from 'zod';
import { withSession } from '@/lib/server/route';

const params = z.object({ id: z.uuid() });

export const DELETE = withSession({ params }, ({ params, upstream }) => upstream('DELETE', `/dbaas-integration/${params.id}`));
