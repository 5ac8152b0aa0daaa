// Mutations of one service. Each answers an operation that the operations
// provider follows; errors are left to the caller, which knows which field to show them on.
import { useMutation } from '@tanstack/react-query';
import { useOperations } from '@/components/operations/operations-provider';
import type { Operation } from '@/lib/schemas/operation';
import type { UpdateService } from '@/lib/schemas/service';
import { api } from './api';
import { serviceKeys } from './keys';

export function useUpdateService(name: string) {
  const { track } = useOperations();
  return useMutation({
    mutationFn: (body: UpdateService) => api<Operation>('PUT', `/services/${name}`, body),
    onSuccess: (op) => track(op, `Update ${name}`, [serviceKeys.detail(name), serviceKeys.list()]),
  });
}

export function useDeleteService(name: string) {
  const { track } = useOperations();
  return useMutation({
    mutationFn: () => api<Operation>('DELETE', `/services/${name}`),
    onSuccess: (op) => track(op, `Delete ${name}`, [serviceKeys.list()]),
  });
}
