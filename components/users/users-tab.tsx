'use client';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { replicaLock } from '@/components/replicas/replica-of';
import { useCan } from '@/components/session/session-context';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, ErrorText } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Switch } from '@/components/ui/switch';
import { serviceQuery } from '@/lib/queries/services';
import { useDeleteUser, useSetReplication } from '@/lib/queries/user-mutations';
import { CreateUserDialog } from './create-user-dialog';
import { PasswordCell } from './password-cell';
import { ResetPasswordDialog } from './reset-password-dialog';

export function UsersTab({ name }: { name: string }) {
  const { data, error, isPending } = useQuery(serviceQuery(name));
  const canWrite = useCan('write');
  const canReveal = useCan('reveal');
  const replication = useSetReplication(name);
  const remove = useDeleteUser(name);
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<string | null>(null);
  const [toDelete, setToDelete] = useState<string | null>(null);
  // a read replica's users are its source's: the engine refuses changes (409)
  const locked = replicaLock(data, 'users');
  const editable = data?.state === 'running' && !locked;
  const users = data?.users ?? [];

  return (
    <Card
      title="Users"
      actions={
        canWrite ? (
          <Button onClick={() => setCreating(true)} disabled={!editable}>
            Create user
          </Button>
        ) : null
      }
    >
      <ErrorText error={error} />
      {isPending ? (
        <p aria-busy="true" className="text-sm text-zinc-500 dark:text-zinc-400">
          Loading users…
        </p>
      ) : null}
      {data && canWrite && !editable ? (
        <p className="mb-2 text-sm text-zinc-500 dark:text-zinc-400">{locked ?? 'Users can be changed once the service is running.'}</p>
      ) : null}
      {users.length > 0 ? (
        <div className="relative overflow-x-auto">
          <table className="table-cards w-full text-left text-sm">
            <caption className="sr-only">Users of {name}</caption>
            <thead className="border-b border-zinc-200 text-xs text-zinc-500 uppercase dark:border-zinc-800 dark:text-zinc-400">
              <tr>
                <th scope="col" className="py-2 pr-3">Username</th>
                <th scope="col" className="pr-3">Type</th>
                <th scope="col" className="pr-3">Replication</th>
                {canReveal ? <th scope="col" className="pr-3">Password</th> : null}
                {canWrite ? (
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {users.map((u) => {
                // while the change is on its way, show where it is going
                const toggling = replication.isPending && replication.variables?.username === u.username;
                const allowed = toggling ? (replication.variables?.allow ?? false) : (u['allow-replication'] ?? false);
                return (
                  <tr key={u.username} className="border-b border-zinc-100 dark:border-zinc-800/70">
                    <th scope="row" className="py-2 pr-3 font-mono font-medium">
                      {u.username}
                    </th>
                    <td data-label="Type" className="pr-3">{u.type === 'primary' ? <Badge tone="amber">admin</Badge> : <span className="text-zinc-500 dark:text-zinc-400">normal</span>}</td>
                    <td data-label="Replication" className="pr-3">
                      {canWrite ? (
                        <Switch
                          label="Allow"
                          aria-label={`Allow replication for ${u.username}`}
                          checked={allowed}
                          disabled={!editable || toggling}
                          onChange={(e) => replication.mutate({ username: u.username, allow: e.target.checked })}
                        />
                      ) : allowed ? (
                        <Badge tone="green">allowed</Badge>
                      ) : (
                        <span className="text-zinc-500 dark:text-zinc-400">no</span>
                      )}
                    </td>
                    {canReveal ? (
                      <td data-label="Password" className="py-1.5 pr-3">
                        <PasswordCell name={name} username={u.username} />
                      </td>
                    ) : null}
                    {canWrite ? (
                      <td className="py-1.5">
                        <div className="flex gap-1 sm:justify-end">
                          <Button variant="ghost" aria-label={`Reset password of ${u.username}`} disabled={!editable} onClick={() => setResetting(u.username)}>
                            Reset password
                          </Button>
                          {u.type === 'primary' ? null : (
                            <Button
                              variant="ghost-danger"
                              aria-label={`Delete user ${u.username}`}
                              disabled={!editable}
                              onClick={() => setToDelete(u.username)}
                            >
                              Delete
                            </Button>
                          )}
                        </div>
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {data && users.length === 0 ? <p className="text-sm text-zinc-500 dark:text-zinc-400">No users.</p> : null}
      {canWrite ? (
        <>
          <CreateUserDialog name={name} open={creating} onClose={() => setCreating(false)} />
          <ResetPasswordDialog name={name} username={resetting ?? ''} open={resetting !== null} onClose={() => setResetting(null)} />
          <ConfirmDialog
            open={toDelete !== null}
            onClose={() => setToDelete(null)}
            title={`Delete user ${toDelete ?? ''}`}
            confirmLabel="Delete user"
            onConfirm={() => remove.mutateAsync(toDelete ?? '')}
          >
            <p>
              The role <span className="font-mono font-medium">{toDelete}</span> is dropped: clients connecting as it will be refused. This cannot be
              undone.
            </p>
          </ConfirmDialog>
        </>
      ) : null}
    </Card>
  );
}

// the service page loads it lazily, as its default export
export default UsersTab;
