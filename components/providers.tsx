'use client';
// The query cache for an island that queries: a service's tabs, the create
// form. Pages rendered on the server (the list, a service's overview) need
// none, so their first load carries none of TanStack Query.
import { QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { getQueryClient } from '@/lib/queries/query-client';

export function QueryProvider({ children }: { children: ReactNode }) {
  return <QueryClientProvider client={getQueryClient()}>{children}</QueryClientProvider>;
}
