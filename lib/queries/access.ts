// Database access (the upstream's /v2/pgdeck extension): each user's level in each database, read back from the
// catalogs, and what a change would run.
import { queryOptions } from '@tanstack/react-query';
import type { AccessChange, AccessPlan, AccessView } from '@/lib/schemas/access';
import { api } from './api';
import { serviceKeys } from './keys';

export const accessPath = (name: string) => `/services/${encodeURIComponent(name)}/access`;

export const accessQuery = (name: string) =>
  queryOptions({
    queryKey: serviceKeys.access(name),
    queryFn: () => api<AccessView>('GET', accessPath(name)),
  });

/** The statements the change would run, changing nothing. */
export const previewAccess = (name: string, change: AccessChange) => api<AccessPlan>('POST', `${accessPath(name)}/preview`, change);
