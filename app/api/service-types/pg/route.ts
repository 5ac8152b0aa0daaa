// GET /api/service-types/pg – versions and plans offered
import { withSession } from '@/lib/server/route';

export const GET = withSession({}, ({ upstream }) => upstream('GET', '/dbaas-service-type/pg'));
