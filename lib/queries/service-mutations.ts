// Mutations of services. Each answers an operation that the tracker follows;
// errors are left to the caller, which knows which field to show them on.
import { useMutation } from '@tanstack/react-query';
import type { Operation } from '@/lib/schemas/operation';
import type { CreateService, UpdateService } from '@/lib/schemas/service';
import { api, isOperation } from './api';
import { serviceKeys } from './keys';
import { useOperationTracker } from './operations';

const servicePath = (name: string) => `/services/${name}`;

export function useCreateService() {
  const { track } = useOperationTracker();
  return useMutation({
    mutationFn: ({ name, body }: { name: string; body: CreateService }) => api<unknown>('POST', servicePath(name), body),
    onSuccess: (res, { name, body }) => {
      const source = body['fork-from-service'];
      if (isOperation(res)) track(res, source ? `Restore ${source} to ${name}` : `Create ${name}`, []);
    },
  });
}

export function useUpdateService(name: string) {
  const { track } = useOperationTracker();
  return useMutation({
    mutationFn: (body: UpdateService) => api<Operation>('PUT', servicePath(name), body),
    onSuccess: (op) => track(op, `Update ${name}`, [serviceKeys.detail(name)]),
  });
}

export function useDeleteService(name: string) {
  const { track } = useOperationTracker();
  return useMutation({
    mutationFn: () => api<Operation>('DELETE', servicePath(name)),
    onSuccess: (op) => track(op, `Delete ${name}`, []),
  });
}
