'use client';
// A service's sections beside the overview, each loaded when opened with the
// query cache it reads through: their forms, zod and TanStack Query stay out
// of the service page's first load.
import { lazy, Suspense, type ComponentType } from 'react';

const QueryProvider = lazy(() => import('@/components/providers').then((m) => ({ default: m.QueryProvider })));
const tabs = {
  databases: lazy(() => import('@/components/databases/databases-tab').then((m) => ({ default: m.DatabasesTab }))),
  users: lazy(() => import('@/components/users/users-tab').then((m) => ({ default: m.UsersTab }))),
  pools: lazy(() => import('@/components/pools/pools-tab').then((m) => ({ default: m.PoolsTab }))),
  backups: lazy(() => import('@/components/backups/backups-tab').then((m) => ({ default: m.BackupsTab }))),
  settings: lazy(() => import('./service-settings-tab').then((m) => ({ default: m.ServiceSettingsTab }))),
  metrics: lazy(() => import('@/components/metrics/metrics-tab').then((m) => ({ default: m.MetricsTab }))),
  logs: lazy(() => import('@/components/logs/logs-tab').then((m) => ({ default: m.LogsTab }))),
  queries: lazy(() => import('@/components/queries/queries-tab').then((m) => ({ default: m.QueriesTab }))),
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
