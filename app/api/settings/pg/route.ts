// GET /api/settings/pg – the settings schema: what pg-settings, pgbouncer-settings and pglookout-settings take
import { withSession } from '@/lib/server/route';

export const GET = withSession({}, ({ upstream }) => upstream('GET', '/dbaas-settings-pg'));
