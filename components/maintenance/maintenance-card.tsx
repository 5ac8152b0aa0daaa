// A service's maintenance: its weekly window and the updates waiting for it,
// rendered on the server with the overview (the page refreshes it); what a
// key that may write can do here is an island (maintenance-actions.tsx).
import { windowText } from '@/components/services/format';
import { Time } from '@/components/services/time';
import { Card } from '@/components/ui/card';
import type { MaintenanceUpdate } from '@/lib/schemas/common';
import type { ServicePg } from '@/lib/schemas/service';
import { MaintenanceActions } from './maintenance-actions';

export function MaintenanceCard({ service }: { service: ServicePg }) {
  const { maintenance } = service;
  const updates = maintenance?.updates ?? [];
  return (
    <Card title="Maintenance">
      <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
        <dt className="text-zinc-500 dark:text-zinc-400">Window</dt>
        <dd>{maintenance ? windowText(maintenance) : 'not told by this upstream'}</dd>
      </dl>

      <h3 className="mt-4 mb-2 text-sm font-semibold">Pending updates</h3>
      {updates.length === 0 ? (
        <p className="text-sm text-zinc-500 dark:text-zinc-400">None: the service is up to date.</p>
      ) : (
        <ul aria-label="Pending updates" className="space-y-2">
          {updates.map((u, i) => (
            <UpdateItem key={`${u.description ?? ''}-${i}`} update={u} />
          ))}
        </ul>
      )}
      <MaintenanceActions name={service.name} maintenance={maintenance} updates={updates.length} />
    </Card>
  );
}

function When({ label, at }: { label: string; at?: string }) {
  if (!at) return null;
  return (
    <span>
      {label} <Time at={at} />
    </span>
  );
}

function UpdateItem({ update: u }: { update: MaintenanceUpdate }) {
  return (
    <li className="rounded-md border border-zinc-200 p-2 text-sm dark:border-zinc-800">
      <p className="font-medium">{u.description ?? 'An update'}</p>
      <p className="mt-0.5 flex flex-wrap gap-x-3 text-xs text-zinc-600 dark:text-zinc-400">
        <When label="Starts" at={u['start-at']} />
        <When label="Not before" at={u['start-after']} />
        <When label="Deadline" at={u.deadline} />
      </p>
    </li>
  );
}
