'use client';
// One service: header, sections as links (?tab=), and each section's content.
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useCan } from '@/components/session/session-context';
import { StateBadge } from '@/components/ui/badge';
import { ErrorText } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { ConsoleError } from '@/lib/queries/api';
import { serviceQuery } from '@/lib/queries/services';
import { ConnectionCard } from './connection-card';
import { ServiceOverview } from './service-overview';

// The tabs with forms load their code (forms, zod) when opened: the overview stays light.
const DatabasesTab = lazy(() => import('@/components/databases/databases-tab').then((m) => ({ default: m.DatabasesTab })));
const UsersTab = lazy(() => import('@/components/users/users-tab').then((m) => ({ default: m.UsersTab })));
const PoolsTab = lazy(() => import('@/components/pools/pools-tab').then((m) => ({ default: m.PoolsTab })));
const SettingsTab = lazy(() => import('./service-settings-tab').then((m) => ({ default: m.ServiceSettingsTab })));
const loadingTab = <p aria-busy="true" className="text-sm text-zinc-500 dark:text-zinc-400">Loading…</p>;

const allTabs = [
  { id: 'overview', label: 'Overview' },
  { id: 'databases', label: 'Databases' },
  { id: 'users', label: 'Users' },
  { id: 'pools', label: 'Pools' },
  { id: 'settings', label: 'Settings' },
] as const;
type Tab = (typeof allTabs)[number]['id'];

const isNotFound = (e: unknown) => e instanceof ConsoleError && e.status === 404;

export function ServicePageView({ name }: { name: string }) {
  const canWrite = useCan('write');
  const requested = useSearchParams().get('tab');
  // read-only keys have nothing to set
  const tabs = allTabs.filter((t) => t.id !== 'settings' || canWrite);
  const tab: Tab = tabs.find((t) => t.id === requested)?.id ?? 'overview';
  const { data, error, isPending } = useQuery({
    ...serviceQuery(name),
    // a missing service stays missing: say so at once
    retry: (count, err) => !isNotFound(err) && count < 1,
  });

  if (isNotFound(error)) {
    return (
      <div className="rounded-lg border border-dashed border-zinc-300 p-10 text-center dark:border-zinc-700">
        <h1 className="text-lg font-semibold">Service not found</h1>
        <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">There is no service named “{name}” for this key.</p>
        <Link href="/services" className="mt-4 inline-block text-sm font-medium text-blue-700 hover:underline dark:text-blue-400">
          ← Back to services
        </Link>
      </div>
    );
  }

  return (
    <div className="space-y-4">
      <div>
        <Link href="/services" className="text-sm text-zinc-500 hover:underline dark:text-zinc-400">
          ← Services
        </Link>
        <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1">
          <h1 className="text-xl font-semibold">{name}</h1>
          <StateBadge state={data?.state} labelled />
          {data ? (
            <span className="text-sm text-zinc-600 dark:text-zinc-400">
              {data.plan} · PostgreSQL {data.version ?? '–'}
            </span>
          ) : null}
        </div>
      </div>

      <nav aria-label="Service sections" className="border-b border-zinc-200 dark:border-zinc-800">
        <ul className="-mb-px flex gap-1">
          {tabs.map((t) => (
            <li key={t.id}>
              <Link
                href={t.id === 'overview' ? `/services/${name}` : `/services/${name}?tab=${t.id}`}
                scroll={false}
                aria-current={t.id === tab ? 'page' : undefined}
                className={cn(
                  'inline-block rounded-t-md border-b-2 px-3 py-2 text-sm font-medium',
                  'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-500',
                  t.id === tab
                    ? 'border-blue-600 text-blue-700 dark:border-blue-400 dark:text-blue-300'
                    : 'border-transparent text-zinc-600 hover:border-zinc-300 hover:text-zinc-900 dark:text-zinc-400 dark:hover:border-zinc-700 dark:hover:text-zinc-100',
                )}
              >
                {t.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      <ErrorText error={error} />
      {tab === 'overview' && isPending ? <p aria-busy="true" className="text-sm text-zinc-500 dark:text-zinc-400">Loading the service…</p> : null}
      {tab === 'overview' && data ? (
        <div className="grid items-start gap-4 lg:grid-cols-2">
          <ServiceOverview service={data} />
          <ConnectionCard service={data} />
        </div>
      ) : null}
      <Suspense fallback={loadingTab}>
        {tab === 'databases' ? <DatabasesTab name={name} /> : null}
        {tab === 'users' ? <UsersTab name={name} /> : null}
        {tab === 'pools' ? <PoolsTab name={name} /> : null}
        {tab === 'settings' && data ? <SettingsTab service={data} /> : null}
      </Suspense>
    </div>
  );
}
