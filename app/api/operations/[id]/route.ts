// GET /api/operations/{id} – state of an operation
import { z } from 'zod';
import { withSession } from '@/lib/server/route';

const params = z.object({ id: z.uuid() });

export const GET = withSession({ params }, ({ params, upstream }) => upstream('GET', `/operation/${params.id}`));
