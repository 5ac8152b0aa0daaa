// The browser's one query cache. Each island that queries (a service's tabs,
// the create form) is wrapped in a provider of it, rather than the whole
// console, so pages that query nothing load none of TanStack Query.
import { isServer, QueryClient } from '@tanstack/react-query';

const make = () => new QueryClient({ defaultOptions: { queries: { staleTime: 5_000, retry: 1, refetchOnWindowFocus: true } } });

let browserClient: QueryClient | undefined;

/** The same client for the whole browser session; a fresh one for each server render, so no request sees another's data. */
export function getQueryClient(): QueryClient {
  if (isServer) return make();
  browserClient ??= make();
  return browserClient;
}
