// Query options for services and service types.
import { queryOptions } from '@tanstack/react-query';
import type { ServiceCommon, ServicePg } from '@/lib/schemas/service';
import { serviceTypeSchema } from '@/lib/schemas/service-type';
import { api } from './api';
import { serviceKeys, serviceTypeKeys } from './keys';

/** Refresh on their own while something is in progress. */
const inProgress = (state?: string) => state !== undefined && state !== 'running';

export const servicesQuery = () =>
  queryOptions({
    queryKey: serviceKeys.list(),
    queryFn: () => api<{ 'dbaas-services': ServiceCommon[] }>('GET', '/services').then((r) => r['dbaas-services'] ?? []),
    refetchInterval: (q) => (q.state.data?.some((s) => inProgress(s.state)) ? 2000 : 15_000),
  });

export const serviceQuery = (name: string) =>
  queryOptions({
    queryKey: serviceKeys.detail(name),
    queryFn: () => api<ServicePg>('GET', `/services/${name}`),
    refetchInterval: (q) => (inProgress(q.state.data?.state) ? 2000 : 15_000),
  });

export const serviceTypeQuery = () =>
  queryOptions({
    queryKey: serviceTypeKeys.pg(),
    queryFn: async () => serviceTypeSchema.parse(await api<unknown>('GET', '/service-types/pg')),
    staleTime: 5 * 60_000,
  });

const GiB = 1024 ** 3;
export const formatBytes = (n?: number) => (n === undefined ? '–' : n >= GiB ? `${Math.round(n / GiB)} GiB` : `${Math.round(n / 1024 ** 2)} MiB`);
