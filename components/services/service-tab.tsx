'use client';
// A service's sections beside the overview, each loaded when opened with the
// query cache it reads through: their forms, zod and TanStack Query stay out
// of the service page's first load (each is its module's default export: the
// shortest loader, which the page's first-load JavaScript carries once per tab).
import { lazy, Suspense, type ComponentType } from 'react';

const QueryProvider = lazy(() => import('@/components/providers').then((m) => ({ default: m.QueryProvider })));
const tabs = {
  databases: lazy(() => import('@/components/databases/databases-tab')),
  users: lazy(() => import('@/components/users/users-tab')),
  pools: lazy(() => import('@/components/pools/pools-tab')),
  backups: lazy(() => import('@/components/backups/backups-tab')),
  settings: lazy(() => import('./service-settings-tab')),
  metrics: lazy(() => import('@/components/metrics/metrics-tab')),
  logs: lazy(() => import('@/components/logs/logs-tab')),
  queries: lazy(() => import('@/components/queries/queries-tab')),
  access: lazy(() => import('@/components/access/access-tab')),
  activity: lazy(() => import('@/components/activity/activity-tab')),
};
export type ServiceTabId = keyof typeof tabs;

const loading = <p aria-busy="true" className="text-sm text-zinc-500 dark:text-zinc-400">Loading…</p>;

export function ServiceTab({ tab, name, around }: { tab: ServiceTabId; name: string; around?: string }) {
  // only the logs tab reads `around`; the others take their name alone
  const Tab = tabs[tab] as ComponentType<{ name: string; around?: string }>;
  return (
    <Suspense fallback={loading}>
      <QueryProvider>
        <Tab name={name} around={tab === 'logs' ? around : undefined} />
      </QueryProvider>
    </Suspense>
  );
}
