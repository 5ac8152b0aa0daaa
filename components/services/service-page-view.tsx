// One service: its header, its sections as links (?tab=), and the open
// section. Rendered on the server with the signed-in key; the live parts are
// islands: a refresh that keeps the state current, the connection card's
// reveal and copy, the maintenance card's, the migration card's, the read
// replicas card's and the upgrade's actions (their dialogs load when opened),
// and the sections beside the overview.
import Link from 'next/link';
import { MaintenanceCard } from '@/components/maintenance/maintenance-card';
import { MigrationCard } from '@/components/migration/migration-card';
import { NodesPanel, nodesNeedWatching } from '@/components/nodes/nodes-panel';
import { ReplicasCard } from '@/components/replicas/replicas-card';
import { replicaLink } from '@/components/replicas/replica-of';
import { BackLink } from '@/components/ui/back-link';
import { Badge, StateBadge } from '@/components/ui/badge';
import { ErrorText } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { PageHeading } from '@/components/ui/page-heading';
import { SidewaysList } from '@/components/ui/sideways-list';
import type { MigrationStatusView } from '@/lib/schemas/migration';
import type { NodeStateView, ServicePg } from '@/lib/schemas/service';
import { inProgress } from '@/lib/schemas/service-constants';
import { ConnectionCard } from './connection-card';
import { LiveRefresh } from './live-refresh';
import { ServiceOverview } from './service-overview';
import { ServiceTab, type ServiceTabId } from './service-tab';

const allTabs: { id: ServiceTabId | 'overview'; label: string }[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'databases', label: 'Databases' },
  { id: 'users', label: 'Users' },
  { id: 'access', label: 'Access' },
  { id: 'pools', label: 'Pools' },
  { id: 'backups', label: 'Backups' },
  { id: 'settings', label: 'Settings' },
  { id: 'metrics', label: 'Metrics' },
  { id: 'logs', label: 'Logs' },
  { id: 'queries', label: 'Queries' },
  { id: 'activity', label: 'Activity' },
];

/** Tabs backed by an extension of the upstream (GET /v2/pgdeck): absent where it lacks them. */
const tabExtension: Partial<Record<ServiceTabId, string>> = { queries: 'query-statistics', access: 'database-access', activity: 'activity' };

interface Props {
  name: string;
  /** The `?tab=` asked for; the overview when it names none this key may open. */
  requested?: string;
  service?: ServicePg;
  error?: { status: number; message: string };
  /** The service's migration (null: it never had one), or why it could not be read. */
  migration?: { data?: MigrationStatusView | null; error?: { message: string } };
  /** The service's read replicas' nodes (their lag), by replica name. */
  replicaNodes?: Record<string, NodeStateView | undefined>;
  canWrite: boolean;
  /** What the upstream offers beside the public contract. */
  extensions?: string[];
  /** The logs tab opens on the lines around this time (a notification's). */
  around?: string;
}

export function ServicePageView({ name, requested, service, error, migration, replicaNodes = {}, canWrite, extensions = [], around }: Props) {
  if (error?.status === 404) {
    return (
      <div className="rounded-lg border border-dashed border-zinc-300 p-10 text-center dark:border-zinc-700">
        <PageHeading size="lg">Service not found</PageHeading>
        <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">There is no service named “{name}” for this key.</p>
        <BackLink href="/services" tone="link" className="mt-4">
          Back to services
        </BackLink>
      </div>
    );
  }
  // read-only keys see the settings too, with nothing to change
  const tabs = allTabs.filter((t) => t.id === 'overview' || !tabExtension[t.id] || extensions.includes(tabExtension[t.id] as string));
  const tab = tabs.find((t) => t.id === requested)?.id ?? 'overview';
  const replicaOf = replicaLink(service)?.source;

  return (
    <div className="space-y-4">
      <div>
        <BackLink href="/services">Services</BackLink>
        <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1">
          <PageHeading className="break-all">{name}</PageHeading>
          <StateBadge state={service?.state} labelled />
          {replicaOf ? <Badge>read replica of {replicaOf}</Badge> : null}
          {service ? (
            <span className="text-sm text-zinc-600 dark:text-zinc-400">
              {service.plan} · PostgreSQL {service.version ?? '–'}
            </span>
          ) : null}
        </div>
      </div>

      <nav aria-label="Service sections" className="border-b border-zinc-200 dark:border-zinc-800">
        {/* scrolls sideways on a narrow screen rather than widen the page, the current tab in view */}
        <SidewaysList className="-mb-px gap-1">
          {tabs.map((t) => (
            <li key={t.id}>
              <Link
                href={t.id === 'overview' ? `/services/${name}` : `/services/${name}?tab=${t.id}`}
                scroll={false}
                aria-current={t.id === tab ? 'page' : undefined}
                className={cn(
                  'inline-block rounded-t-md border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap',
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
        </SidewaysList>
      </nav>

      <ErrorText error={error} />
      {tab === 'overview' && service ? (
        <div className="grid items-start gap-4 lg:grid-cols-2">
          <div className="space-y-4">
            <ServiceOverview service={service} />
            <NodesPanel service={service} />
            <ReplicasCard service={service} replicaNodes={replicaNodes} canWrite={canWrite} />
          </div>
          <div className="space-y-4">
            <ConnectionCard service={service} />
            <MaintenanceCard service={service} />
            <MigrationCard name={name} migration={migration?.data} error={migration?.error} canWrite={canWrite} />
          </div>
        </div>
      ) : null}
      {tab !== 'overview' ? <ServiceTab tab={tab} name={name} around={around} /> : null}
      {/* read replicas' lag moves like standbys' */}
      <LiveRefresh
        every={inProgress(service?.state) || nodesNeedWatching(service) || (service?.integrations?.length ?? 0) > 0 || migration?.data?.status === 'running' ? 2000 : 15_000}
      />
    </div>
  );
}
