// Query options for the service type (plans and versions) in the browser: the
// dialogs of a service's tabs. The create page reads it on the server
// (lib/server/services.ts), so its first load has no zod for this check.
import { queryOptions } from '@tanstack/react-query';
import { serviceTypeSchema } from '@/lib/schemas/service-type';
import { api } from './api';
import { serviceTypeKeys } from './keys';

export const serviceTypeQuery = () =>
  queryOptions({
    queryKey: serviceTypeKeys.pg(),
    queryFn: async () => serviceTypeSchema.parse(await api<unknown>('GET', '/service-types/pg')),
    staleTime: 5 * 60_000,
  });
