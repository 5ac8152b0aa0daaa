// A service's migration read with the signed-in key, for the route handler and
// the server-rendered service page alike: null when it never had one (404).
// The answer never holds the source's password (the API keeps it to itself).
import 'server-only';
import { ApiError } from '@/lib/api-v2/errors';
import { migrationStatusSchema, type MigrationStatusView } from '@/lib/schemas/migration';
import type { Upstream } from './upstream';

export const migrationStatusPath = (name: string) => `/dbaas-migration-status/${encodeURIComponent(name)}`;

export async function readMigration(upstream: Upstream, name: string): Promise<MigrationStatusView | null> {
  let body: unknown;
  try {
    body = await upstream('GET', migrationStatusPath(name));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
  const parsed = migrationStatusSchema.safeParse(body);
  if (!parsed.success) throw new ApiError('fault', 'the migration status the API answered is not one this console reads');
  return parsed.data;
}
