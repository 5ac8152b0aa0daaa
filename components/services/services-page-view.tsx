// The services list, rendered on the server with the signed-in key. Live
// parts are islands: the filter, and a refresh that keeps states current.
import Link from 'next/link';
import { StateBadge } from '@/components/ui/badge';
import { ErrorText } from '@/components/ui/card';
import { inProgress, type ServiceCommon } from '@/lib/schemas/service';
import type { ServiceHealth } from '@/lib/server/services';
import { formatBytes } from './format';
import { LiveRefresh } from './live-refresh';
import { ServicesFilter } from './services-filter';
import { Time } from './time';

const createLink = 'rounded-md bg-blue-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-700';

function Health({ h }: { h?: ServiceHealth }) {
  if (!h || (h.connections === undefined && h.diskBytes === undefined)) return <span className="text-zinc-500 dark:text-zinc-400">–</span>;
  return (
    <span className="whitespace-nowrap text-xs">
      {h.connections !== undefined ? `${h.connections} conn${h.connectionsPercent !== undefined ? ` (${Math.round(h.connectionsPercent)} %)` : ''}` : ''}
      {h.connections !== undefined && h.diskBytes !== undefined ? ' · ' : ''}
      {h.diskBytes !== undefined ? `${formatBytes(h.diskBytes)} disk` : ''}
    </span>
  );
}

function Row({ s, h }: { s: ServiceCommon; h?: ServiceHealth }) {
  return (
    <tr className="border-b border-zinc-100 dark:border-zinc-900">
      <td className="py-2">
        <Link href={`/services/${s.name}`} className="font-medium text-blue-700 hover:underline dark:text-blue-400">
          {s.name}
        </Link>
      </td>
      <td>{s.plan}</td>
      <td>{s.version ?? '–'}</td>
      <td>
        <StateBadge state={s.state} />
      </td>
      <td>{s['node-count'] ?? '–'}</td>
      <td>
        <Health h={h} />
      </td>
      <td>
        <Time at={s['created-at']} />
      </td>
    </tr>
  );
}

const head = (
  <thead className="border-b border-zinc-200 text-xs uppercase text-zinc-500 dark:border-zinc-800">
    <tr>
      <th className="py-2">Name</th>
      <th>Plan</th>
      <th>Version</th>
      <th>State</th>
      <th>Nodes</th>
      <th>Health</th>
      <th>Created</th>
    </tr>
  </thead>
);

export function ServicesPageView({ services, health = {}, error, canCreate }: { services: ServiceCommon[]; health?: Record<string, ServiceHealth>; error?: string; canCreate: boolean }) {
  return (
    <>
      <ServicesFilter
        rows={services.map((s) => ({ name: s.name, row: <Row key={s.name} s={s} h={health[s.name]} /> }))}
        head={head}
        actions={canCreate ? <Link href="/services/new" className={createLink}>Create service</Link> : null}
      >
        <ErrorText error={error ? { message: error } : null} />
        {!error && services.length === 0 ? (
          <div className="rounded-lg border border-dashed border-zinc-300 p-10 text-center dark:border-zinc-700">
            <p className="font-medium">No services yet</p>
            <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">A service is a PostgreSQL server with its databases and users.</p>
            {canCreate ? (
              <Link href="/services/new" className={`mt-4 inline-block ${createLink}`}>
                Create your first service
              </Link>
            ) : (
              <p className="mt-4 text-sm">Your key is read-only: ask an operator or admin to create one.</p>
            )}
          </div>
        ) : null}
      </ServicesFilter>
      <LiveRefresh every={services.some((s) => inProgress(s.state)) ? 2000 : 15_000} />
    </>
  );
}
