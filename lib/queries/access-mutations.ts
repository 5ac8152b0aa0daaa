// A change of one user's access to one database: an operation, handed to the tracker, which re-reads the grid.
import { useMutation } from '@tanstack/react-query';
import type { AccessChange } from '@/lib/schemas/access';
import type { Operation } from '@/lib/schemas/operation';
import { accessPath } from './access';
import { api } from './api';
import { serviceKeys } from './keys';
import { useOperationTracker } from './operations';

/** "Give app read-write access to orders". */
export const accessLabel = (c: AccessChange) =>
  c.level === 'none' ? `Remove ${c.username}'s access to ${c.database}` : `Give ${c.username} ${c.level} access to ${c.database}`;

export function useSetAccess(service: string) {
  const { track } = useOperationTracker();
  return useMutation({
    mutationFn: (change: AccessChange) => api<Operation>('PUT', accessPath(service), change),
    onSuccess: (op, c) => track(op, accessLabel(c), [serviceKeys.access(service)]),
  });
}
