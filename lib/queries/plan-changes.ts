// What each other plan would change in a service, as its upstream previews it (or null plan-changes where it does
// not): read again each time the plan change dialog opens, as what the service holds moves.
import { queryOptions } from '@tanstack/react-query';
import { planChangesAnswerSchema } from '@/lib/schemas/plan-change';
import { api } from './api';
import { serviceKeys } from './keys';

export const planChangesQuery = (name: string) =>
  queryOptions({
    queryKey: serviceKeys.planChanges(name),
    queryFn: async () => planChangesAnswerSchema.parse(await api<unknown>('GET', `/services/${name}/plan-changes`)),
    staleTime: 0,
  });
