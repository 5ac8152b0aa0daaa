// The on-demand password reveal. Passwords never come from the service query:
// they are fetched only when asked for and kept in the cache only while they
// are shown (gcTime 0, removed on hide).
import { queryOptions } from '@tanstack/react-query';
import { api } from './api';
import { passwordKeys } from './keys';

export const userPath = (service: string, username: string) => `/services/${service}/users/${encodeURIComponent(username)}`;

/**
 * `viewer` names the one place showing it: each place has its own cache entry,
 * so hiding it in one place (or closing a dialog) forgets it there, whatever
 * else is mounted. Invalidating passwordKeys.detail refetches every shown one.
 */
export const passwordQuery = (service: string, username: string, viewer: string) =>
  queryOptions({
    queryKey: [...passwordKeys.detail(service, username), viewer],
    queryFn: () => api<{ username: string; password: string }>('GET', `${userPath(service, username)}/password`).then((r) => r.password),
    gcTime: 0,
    staleTime: Infinity,
    retry: false,
  });

