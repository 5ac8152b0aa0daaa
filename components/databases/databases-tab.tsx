'use client';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { replicaLock } from '@/components/replicas/replica-of';
import { useCan } from '@/components/session/session-context';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, ErrorText } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { useDeleteDatabase } from '@/lib/queries/database-mutations';
import { serviceQuery } from '@/lib/queries/services';
import { CreateDatabaseDialog } from './create-database-dialog';

/** Every service has it; the API refuses to delete it. */
const DEFAULT_DATABASE = 'defaultdb';

export function DatabasesTab({ name }: { name: string }) {
  const { data, error, isPending } = useQuery(serviceQuery(name));
  const canWrite = useCan('write');
  const remove = useDeleteDatabase(name);
  const [creating, setCreating] = useState(false);
  const [toDelete, setToDelete] = useState<string | null>(null);
  // a read replica's databases are its source's: the engine refuses changes (409)
  const locked = replicaLock(data, 'databases');
  const editable = data?.state === 'running' && !locked;
  const databases = data?.databases ?? [];

  return (
    <Card
      title="Databases"
      actions={
        canWrite ? (
          <Button onClick={() => setCreating(true)} disabled={!editable}>
            Create database
          </Button>
        ) : null
      }
    >
      <ErrorText error={error} />
      {isPending ? (
        <p aria-busy="true" className="text-sm text-zinc-500 dark:text-zinc-400">
          Loading databases…
        </p>
      ) : null}
      {data && canWrite && !editable ? (
        <p className="mb-2 text-sm text-zinc-500 dark:text-zinc-400">{locked ?? 'Databases can be created and deleted once the service is running.'}</p>
      ) : null}
      {data && databases.length === 0 ? <p className="text-sm text-zinc-500 dark:text-zinc-400">No databases.</p> : null}
      {databases.length > 0 ? (
        <ul aria-label={`Databases of ${name}`} className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
          {databases.map((db) => (
            <li key={db} className="flex min-h-11 items-center gap-3 py-1.5">
              <span className="font-mono text-sm">{db}</span>
              {db === DEFAULT_DATABASE ? <Badge>default</Badge> : null}
              {canWrite ? (
                <span className="ml-auto">
                  {db === DEFAULT_DATABASE ? (
                    <span className="text-xs text-zinc-500 dark:text-zinc-400">The default database cannot be deleted</span>
                  ) : (
                    <Button
                      variant="ghost-danger"
                      aria-label={`Delete database ${db}`}
                      disabled={!editable}
                      onClick={() => setToDelete(db)}
                    >
                      Delete
                    </Button>
                  )}
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {canWrite ? (
        <>
          <CreateDatabaseDialog name={name} open={creating} onClose={() => setCreating(false)} />
          <ConfirmDialog
            open={toDelete !== null}
            onClose={() => setToDelete(null)}
            title={`Delete database ${toDelete ?? ''}`}
            confirmLabel="Delete database"
            onConfirm={() => remove.mutateAsync(toDelete ?? '')}
          >
            <p>
              The database <span className="font-mono font-medium">{toDelete}</span> and all its data are dropped, and sessions connected to it are
              ended. This cannot be undone.
            </p>
          </ConfirmDialog>
        </>
      ) : null}
    </Card>
  );
}

// the service page loads it lazily, as its default export
export default DatabasesTab;
