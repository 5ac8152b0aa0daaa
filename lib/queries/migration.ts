// Migrating data into a service: the pre-check (an operation naming a
// dbaas-task, read until it ends with taskQuery), the start (PUT with
// `migration`), the status, read again while the migration lives, and the stop.
// The source's password goes in request bodies only, never in a key or a URL.
import { queryOptions, useMutation } from '@tanstack/react-query';
import type { Migration, MigrationCheck } from '@/lib/schemas/migration';
import { migrationStatusSchema, type MigrationStatusView } from '@/lib/schemas/migration';
import type { Operation } from '@/lib/schemas/operation';
import { dbaasTaskSchema, type DbaasTask } from '@/lib/schemas/task';
import { statusPollMs } from '@/lib/migration/status';
import { api } from './api';
import { serviceKeys } from './keys';
import { useOperationTracker } from './operations';

const path = (name: string) => `/services/${name}/migration`;

/** The service's migration, null when it never had one; read again while it lives. */
export const migrationQuery = (name: string) =>
  queryOptions({
    queryKey: serviceKeys.migration(name),
    queryFn: async (): Promise<MigrationStatusView | null> => {
      const { migration } = await api<{ migration?: unknown }>('GET', path(name));
      return migration ? migrationStatusSchema.parse(migration) : null;
    },
    refetchInterval: (q) => statusPollMs(q.state.data?.status),
  });

/** Starts the pre-check; answers its task as first read (it may have ended already: the API waits a while). */
export function useStartMigrationCheck(name: string) {
  return useMutation({
    mutationFn: async (body: MigrationCheck): Promise<DbaasTask> => {
      const op = await api<Operation>('POST', `/services/${name}/migration-check`, body);
      const id = op.reference?.id;
      if (!id) throw new Error(op.message ?? 'the check did not start: the API named no task');
      return dbaasTaskSchema.parse(await api<unknown>('GET', `/services/${name}/tasks/${encodeURIComponent(id)}`));
    },
    // nothing of the request is kept once it is answered: it holds the source's password
    gcTime: 0,
  });
}

export function useStartMigration(name: string) {
  const { track } = useOperationTracker();
  return useMutation({
    mutationFn: (migration: Migration) => api<Operation>('PUT', path(name), { migration }),
    onSuccess: (op) => track(op, `Migrate data into ${name}`, [serviceKeys.migration(name), serviceKeys.detail(name)]),
    gcTime: 0,
  });
}

export function useStopMigration(name: string) {
  const { track } = useOperationTracker();
  return useMutation({
    mutationFn: () => api<Operation>('POST', `${path(name)}/stop`),
    onSuccess: (op) => track(op, `Stop the migration into ${name}`, [serviceKeys.migration(name), serviceKeys.detail(name)]),
  });
}
