// Read replicas: creating one (a service created with an `integrations` item
// naming its source) and promoting one to a standalone service (deleting its
// integration). Each answers an operation that the tracker follows; errors are
// left to the caller.
import { useMutation } from '@tanstack/react-query';
import { READ_REPLICA } from '@/lib/schemas/integration';
import type { Operation } from '@/lib/schemas/operation';
import type { CreateService } from '@/lib/schemas/service';
import { api } from './api';
import { serviceKeys } from './keys';
import { useOperationTracker } from './operations';

export function useCreateReplica(source: string) {
  const { track } = useOperationTracker();
  return useMutation({
    mutationFn: ({ name, plan }: { name: string; plan: string }) => {
      const body: CreateService = { plan, integrations: [{ type: READ_REPLICA, 'source-service': source }] };
      return api<Operation>('POST', `/services/${encodeURIComponent(name)}`, body);
    },
    onSuccess: (op, { name }) => track(op, `Create read replica ${name} of ${source}`, [serviceKeys.detail(source)]),
  });
}

/** `integration`: the id of the integration that makes `name` a replica; the operation runs on `name`. */
export function usePromoteReplica(name: string) {
  const { track } = useOperationTracker();
  return useMutation({
    mutationFn: (integration: string) => api<Operation>('DELETE', `/integrations/${encodeURIComponent(integration)}`),
    onSuccess: (op) => track(op, `Promote ${name} to standalone`, [serviceKeys.detail(name)]),
  });
}
