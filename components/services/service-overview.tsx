// What a service is and how it is doing: figures of its plan and its
// notifications (its nodes have their own panel, components/nodes). Rendered on
// the server; the page refreshes it. Beside the plan and the version, keys that
// may write open the plan change and the upgrade (client islands).
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Badge, StateBadge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { UpgradeButton } from '@/components/upgrade/upgrade-button';
import type { ServicePg } from '@/lib/schemas/service';
import { formatBytes } from './format';
import { PlanChangeButton } from './plan-change-button';
import { Time } from './time';

/** Notifications of high availability, named before their message ("Failover: failed over from … in 0.6 s …"). */
const titles: Record<string, string> = {
  service_failover: 'Failover',
  service_failover_held: 'Failover held',
  service_standby_added: 'Standby added',
  service_standby_removed: 'Standby removed',
  service_standby_rebuilt: 'Standby rebuilt',
  service_master_hung_restarted: 'Master restarted',
  service_front_started: 'Relay started',
  service_replica_promoted: 'Replica promoted',
};

function Item({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-zinc-500 dark:text-zinc-400">{term}</dt>
      <dd className="mt-0.5 text-sm font-medium">{children}</dd>
    </div>
  );
}

export function ServiceOverview({ service: s }: { service: ServicePg }) {
  const notifications = s.notifications ?? [];
  return (
    <Card title="Overview">
      {s.state !== 'running' ? (
        <p role="status" className="mb-4 rounded-md bg-amber-50 p-3 text-sm text-amber-900 dark:bg-amber-900/30 dark:text-amber-200">
          The service is {s.state ?? 'starting'}: this page refreshes on its own until it is running.
        </p>
      ) : null}
      <dl className="grid grid-cols-2 gap-x-4 gap-y-3 sm:grid-cols-3">
        <Item term="State">
          <StateBadge state={s.state} />
        </Item>
        <Item term="Plan">
          {s.plan}
          <PlanChangeButton service={s} />
        </Item>
        <Item term="PostgreSQL">
          {s.version ?? '–'}
          <UpgradeButton service={s} />
        </Item>
        <Item term="Nodes">{s['node-count'] ?? '–'}</Item>
        <Item term="CPUs per node">{s['node-cpu-count'] ?? '–'}</Item>
        <Item term="Memory per node">{formatBytes(s['node-memory'])}</Item>
        <Item term="Disk">{formatBytes(s['disk-size'])}</Item>
        <Item term="Max connections">{s['max-connections'] ?? '–'}</Item>
        <Item term="Zone">{s.zone ?? '–'}</Item>
        <Item term="Created">
          <Time at={s['created-at']} />
        </Item>
        <Item term="Updated">
          <Time at={s['updated-at']} />
        </Item>
      </dl>

      <h3 className="mt-5 mb-2 text-sm font-semibold">Notifications</h3>
      {notifications.length === 0 ? (
        <p className="text-sm text-zinc-500 dark:text-zinc-400">None.</p>
      ) : (
        <ul className="space-y-2">
          {notifications.map((n, i) => (
            <li key={`${n.type}-${i}`} className="flex items-start gap-2 text-sm">
              <Badge tone={n.level === 'warning' ? 'amber' : 'zinc'}>{n.level}</Badge>
              <span className="flex-1">
                {titles[n.type] ? <span className="font-medium">{titles[n.type]}: </span> : null}
                {n.message}
              </span>
              {typeof n.metadata.time === 'string' ? (
                <Link
                  href={`/services/${encodeURIComponent(s.name)}?tab=logs&at=${encodeURIComponent(n.metadata.time)}`}
                  className="shrink-0 text-xs text-blue-700 hover:underline dark:text-blue-400"
                >
                  <span className="sr-only">Logs around </span>
                  <Time at={n.metadata.time} />
                </Link>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
