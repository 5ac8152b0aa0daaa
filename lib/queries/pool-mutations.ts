// Mutations of a service's connection pools. Each answers an operation, handed
// to the operations tracker, which shows the outcome and refreshes the service.
import { useMutation } from '@tanstack/react-query';
import type { Operation } from '@/lib/schemas/operation';
import type { CreatePool, UpdatePool } from '@/lib/schemas/pool';
import { api } from './api';
import { serviceKeys } from './keys';
import { useOperationTracker } from './operations';

const poolsPath = (service: string) => `/services/${service}/connection-pools`;
const poolPath = (service: string, pool: string) => `${poolsPath(service)}/${encodeURIComponent(pool)}`;

export function useCreatePool(service: string) {
  const { track } = useOperationTracker();
  return useMutation({
    mutationFn: (body: CreatePool) => api<Operation>('POST', poolsPath(service), body),
    onSuccess: (op, body) => track(op, `Create pool ${body.name}`, [serviceKeys.detail(service)]),
  });
}

export function useUpdatePool(service: string) {
  const { track } = useOperationTracker();
  return useMutation({
    mutationFn: ({ pool, body }: { pool: string; body: UpdatePool }) => api<Operation>('PUT', poolPath(service, pool), body),
    onSuccess: (op, { pool }) => track(op, `Update pool ${pool}`, [serviceKeys.detail(service)]),
  });
}

export function useDeletePool(service: string) {
  const { track } = useOperationTracker();
  return useMutation({
    mutationFn: (pool: string) => api<Operation>('DELETE', poolPath(service, pool)),
    onSuccess: (op, pool) => track(op, `Delete pool ${pool}`, [serviceKeys.detail(service)]),
  });
}
