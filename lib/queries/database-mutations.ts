// Mutations of a service's databases. Each answers an operation, handed to
// the operations tracker, which shows the outcome and refreshes the service.
import { useMutation } from '@tanstack/react-query';
import type { CreateDatabase } from '@/lib/schemas/database';
import type { Operation } from '@/lib/schemas/operation';
import { api } from './api';
import { serviceKeys } from './keys';
import { useOperationTracker } from './operations';

export function useCreateDatabase(service: string) {
  const { track } = useOperationTracker();
  return useMutation({
    mutationFn: (body: CreateDatabase) => api<Operation>('POST', `/services/${service}/databases`, body),
    onSuccess: (op, body) => track(op, `Create database ${body['database-name']}`, [serviceKeys.detail(service)]),
  });
}

export function useDeleteDatabase(service: string) {
  const { track } = useOperationTracker();
  return useMutation({
    mutationFn: (database: string) => api<Operation>('DELETE', `/services/${service}/databases/${encodeURIComponent(database)}`),
    onSuccess: (op, database) => track(op, `Delete database ${database}`, [serviceKeys.detail(service)]),
  });
}
