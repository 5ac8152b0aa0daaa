// Maintenance and major upgrades of a service: applying the pending updates
// now, checking an upgrade (a dbaas-task, polled until it ends) and the
// upgrade itself. Operations go to the tracker; errors are left to the caller.
import { queryOptions, useMutation } from '@tanstack/react-query';
import type { Operation } from '@/lib/schemas/operation';
import { dbaasTaskSchema, taskDone, type DbaasTask } from '@/lib/schemas/task';
import { api } from './api';
import { serviceKeys } from './keys';
import { useOperationTracker } from './operations';

export function useApplyMaintenance(name: string) {
  const { track } = useOperationTracker();
  return useMutation({
    mutationFn: () => api<Operation>('PUT', `/services/${name}/maintenance/start`),
    onSuccess: (op) => track(op, `Apply maintenance to ${name}`, [serviceKeys.detail(name)]),
  });
}

export function useStartUpgradeCheck(name: string) {
  return useMutation({
    mutationFn: async (target: string) => dbaasTaskSchema.parse(await api<unknown>('POST', `/services/${name}/upgrade-check`, { 'target-version': target })),
  });
}

/** A task of the service, read again every second until it has ended; `started` is the answer that started it. */
export const taskQuery = (name: string, started: DbaasTask) =>
  queryOptions({
    queryKey: serviceKeys.task(name, started.id),
    queryFn: async () => dbaasTaskSchema.parse(await api<unknown>('GET', `/services/${name}/tasks/${started.id}`)),
    initialData: started,
    staleTime: Infinity,
    refetchInterval: (q) => (q.state.data && taskDone(q.state.data) ? false : 1000),
  });

export function useUpgradeService(name: string) {
  const { track } = useOperationTracker();
  return useMutation({
    mutationFn: (version: string) => api<Operation>('PUT', `/services/${name}`, { version }),
    onSuccess: (op, version) => track(op, `Upgrade ${name} to PostgreSQL ${version}`, [serviceKeys.detail(name)]),
  });
}
