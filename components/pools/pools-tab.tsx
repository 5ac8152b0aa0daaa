'use client';
// A service's PgBouncer connection pools: listed with their connection URIs;
// created, edited and deleted by keys that may write.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { replicaLock } from '@/components/replicas/replica-of';
import { useCan } from '@/components/session/session-context';
import { Button } from '@/components/ui/button';
import { Card, ErrorText } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { useDeletePool } from '@/lib/queries/pool-mutations';
import { serviceQuery } from '@/lib/queries/services';
import type { ConnectionPool } from '@/lib/schemas/pool';
import { PoolDialog } from './pool-dialog';
import { ANY_USER } from './pool-fields';
import { PoolUri } from './pool-uri';

const muted = 'text-sm text-zinc-500 dark:text-zinc-400';

export function PoolsTab({ name }: { name: string }) {
  const { data, error, isPending } = useQuery(serviceQuery(name));
  const canWrite = useCan('write');
  const remove = useDeletePool(name);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<ConnectionPool | null>(null);
  const [toDelete, setToDelete] = useState<string | null>(null);
  // a read replica's pools are its source's: the engine refuses changes (409)
  const locked = replicaLock(data, 'pools');
  const editable = data?.state === 'running' && !locked;
  const pools = data?.['connection-pools'] ?? [];
  const databases = data?.databases ?? [];
  const users = (data?.users ?? []).map((u) => u.username);
  const pgbouncer = data?.components?.find((c) => c.component === 'pgbouncer');

  return (
    <Card
      title="Connection pools"
      actions={
        canWrite ? (
          <Button onClick={() => setCreating(true)} disabled={!editable}>
            Create pool
          </Button>
        ) : null
      }
    >
      <ErrorText error={error} />
      {isPending ? (
        <p aria-busy="true" className={muted}>
          Loading pools…
        </p>
      ) : null}
      {data ? (
        <p className={`mb-3 ${muted}`}>
          {pgbouncer ? (
            <>
              PgBouncer listens on <span className="font-mono">{pgbouncer.host}:{pgbouncer.port}</span>. Clients connect to a pool by its name, in place of a
              database name.
            </>
          ) : (
            'PgBouncer is not running for this service yet: its port shows here once it is.'
          )}
        </p>
      ) : null}
      {data && canWrite && !editable ? <p className={`mb-2 ${muted}`}>{locked ?? 'Pools can be changed once the service is running.'}</p> : null}
      {data && pools.length === 0 ? (
        <p className={muted}>No connection pools yet.{canWrite ? ' A pool lets many clients share a few PostgreSQL connections.' : ''}</p>
      ) : null}
      {pools.length > 0 ? (
        <div className="relative overflow-x-auto">
          <table className="table-cards w-full text-left text-sm">
            <caption className="sr-only">Connection pools of {name}</caption>
            <thead className="border-b border-zinc-200 text-xs text-zinc-500 uppercase dark:border-zinc-800 dark:text-zinc-400">
              <tr>
                <th scope="col" className="py-2 pr-3">Name</th>
                <th scope="col" className="pr-3">Mode</th>
                <th scope="col" className="pr-3">Size</th>
                <th scope="col" className="pr-3">Database</th>
                <th scope="col" className="pr-3">User</th>
                <th scope="col" className="pr-3">Connection URI</th>
                {canWrite ? (
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {pools.map((p) => (
                <tr key={p.name} className="border-b border-zinc-100 align-top dark:border-zinc-800/70">
                  <th scope="row" className="py-2 pr-3 font-mono font-medium">
                    {p.name}
                  </th>
                  <td data-label="Mode" className="py-2 pr-3">{p.mode}</td>
                  <td data-label="Size" className="py-2 pr-3 tabular-nums">{p.size}</td>
                  <td data-label="Database" className="py-2 pr-3 font-mono">{p.database}</td>
                  <td data-label="User" className="py-2 pr-3">{p.username ? <span className="font-mono">{p.username}</span> : <span className="text-zinc-500 dark:text-zinc-400">{ANY_USER}</span>}</td>
                  <td data-label="Connection URI" className="py-2 pr-3">
                    <PoolUri name={name} pool={p} />
                  </td>
                  {canWrite ? (
                    <td className="py-1.5">
                      <div className="flex gap-1 sm:justify-end">
                        <Button variant="ghost" aria-label={`Edit pool ${p.name}`} disabled={!editable} onClick={() => setEditing(p)}>
                          Edit
                        </Button>
                        <Button
                          variant="ghost-danger"
                          aria-label={`Delete pool ${p.name}`}
                          disabled={!editable}
                          onClick={() => setToDelete(p.name)}
                        >
                          Delete
                        </Button>
                      </div>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {canWrite ? (
        <>
          <PoolDialog name={name} databases={databases} users={users} open={creating} onClose={() => setCreating(false)} />
          <PoolDialog name={name} databases={databases} users={users} open={editing !== null} pool={editing ?? undefined} onClose={() => setEditing(null)} />
          <ConfirmDialog
            open={toDelete !== null}
            onClose={() => setToDelete(null)}
            title={`Delete pool ${toDelete ?? ''}`}
            confirmLabel="Delete pool"
            onConfirm={() => remove.mutateAsync(toDelete ?? '')}
          >
            <p>
              Clients connected through <span className="font-mono font-medium">{toDelete}</span> are disconnected and new ones refused. The database
              and its data are untouched.
            </p>
          </ConfirmDialog>
        </>
      ) : null}
    </Card>
  );
}

// the service page loads it lazily, as its default export
export default PoolsTab;
