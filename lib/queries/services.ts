// Query options for a service and the key's services. The services list and a
// service's overview are rendered on the server (lib/server/services.ts);
// these feed the client islands: a service's tabs and the create form. No zod
// here: the create form's first load imports this (service type: service-type.ts).
import { queryOptions } from '@tanstack/react-query';
import type { ServiceCommon, ServicePg } from '@/lib/schemas/service';
import { inProgress } from '@/lib/schemas/service-constants';
import { api } from './api';
import { serviceKeys } from './keys';

/** Refreshes on its own, faster while something is in progress. */
export const serviceQuery = (name: string) =>
  queryOptions({
    queryKey: serviceKeys.detail(name),
    queryFn: () => api<ServicePg>('GET', `/services/${name}`),
    refetchInterval: (q) => (inProgress(q.state.data?.state) ? 2000 : 15_000),
  });

/** The key's services, for a choice among them (the create form's "Start from a backup of …"). */
export const serviceListQuery = () =>
  queryOptions({
    queryKey: serviceKeys.list(),
    queryFn: async () => (await api<{ 'dbaas-services'?: ServiceCommon[] }>('GET', '/services'))['dbaas-services'] ?? [],
  });
