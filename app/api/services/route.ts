// GET /api/services – every service of the signed-in key
import { withSession } from '@/lib/server/route';

export const GET = withSession({}, ({ upstream }) => upstream('GET', '/dbaas-service'));
