// The settings tab's save: an update of the service whose operation, when it
// ends, says what was applied and what restarted (describe). Its own module,
// so that only the settings tab's chunk carries it.
import { useMutation } from '@tanstack/react-query';
import type { Operation } from '@/lib/schemas/operation';
import type { UpdateService } from '@/lib/schemas/service';
import { api } from './api';
import { serviceKeys } from './keys';
import { useOperationTracker } from './operations';

export function useApplySettings(name: string) {
  const { track } = useOperationTracker();
  return useMutation({
    mutationFn: ({ body }: { body: UpdateService; describe: (op: Operation) => string }) => api<Operation>('PUT', `/services/${name}`, body),
    onSuccess: (op, { describe }) => track(op, `Update ${name}`, [serviceKeys.detail(name)], undefined, describe),
  });
}
