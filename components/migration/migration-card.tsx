// A service's migration on its overview: the status of the last one (each
// database copying, syncing with its lag, done or failed), rendered on the
// server with the page, which refreshes it; what a key that may write can do
// is an island (migration-actions.tsx). A read-only key sees the status only,
// and nothing when there never was a migration.
import { Card, ErrorText } from '@/components/ui/card';
import type { MigrationStatusView as Status } from '@/lib/schemas/migration';
import { MigrationActions } from './migration-actions';
import { MigrationStatusView } from './migration-status-view';

interface Props {
  name: string;
  migration?: Status | null;
  error?: { message: string };
  canWrite: boolean;
}

export function MigrationCard({ name, migration, error, canWrite }: Props) {
  if (!migration && !canWrite) return null;
  return (
    <Card title="Migration">
      <ErrorText error={error} />
      {migration ? (
        <MigrationStatusView status={migration} />
      ) : error ? null : (
        <p className="text-sm text-zinc-600 dark:text-zinc-300">
          Copy the databases of an existing PostgreSQL server into this service: once, or kept in sync until you cut over.
        </p>
      )}
      <MigrationActions name={name} status={migration?.status} />
    </Card>
  );
}
