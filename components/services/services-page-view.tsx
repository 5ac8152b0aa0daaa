// The services list, rendered on the server with the signed-in key: a table
// on a wide screen, a card per service on a narrow one. Live parts are
// islands: the filter, and a refresh that keeps states current.
import Link from 'next/link';
import { StateBadge } from '@/components/ui/badge';
import { ErrorText } from '@/components/ui/card';
import type { ServiceCommon } from '@/lib/schemas/service';
import { inProgress } from '@/lib/schemas/service-constants';
import type { ServiceHealth } from '@/lib/server/services';
import { formatBytes } from './format';
import { LiveRefresh } from './live-refresh';
import { ServicesFilter } from './services-filter';
import { Time } from './time';

const createLink = 'rounded-md bg-blue-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-700';
const nameLink = 'font-medium text-blue-700 hover:underline dark:text-blue-400';
const muted = 'text-zinc-600 dark:text-zinc-400';

/** `3 conn (2 %) · 31 MiB disk`, from the latest metrics sample; nothing where the upstream has none. */
function healthText(h?: ServiceHealth): string | undefined {
  if (!h || (h.connections === undefined && h.diskBytes === undefined)) return undefined;
  const conn = h.connections !== undefined ? `${h.connections} conn${h.connectionsPercent !== undefined ? ` (${Math.round(h.connectionsPercent)} %)` : ''}` : undefined;
  const disk = h.diskBytes !== undefined ? `${formatBytes(h.diskBytes)} disk` : undefined;
  return [conn, disk].filter(Boolean).join(' · ');
}

function Row({ s, h }: { s: ServiceCommon; h?: ServiceHealth }) {
  const health = healthText(h);
  return (
    <tr className="border-b border-zinc-100 dark:border-zinc-900">
      <td className="py-2 pr-3">
        <Link href={`/services/${s.name}`} className={nameLink}>
          {s.name}
        </Link>
      </td>
      <td className="pr-3">{s.plan}</td>
      <td className="pr-3">{s.version ?? '–'}</td>
      <td className="pr-3">
        <StateBadge state={s.state} />
      </td>
      <td className="pr-3">{s['node-count'] ?? '–'}</td>
      <td className="pr-3">{health ? <span className="text-xs whitespace-nowrap">{health}</span> : <span className={muted}>–</span>}</td>
      <td>
        <Time at={s['created-at']} />
      </td>
    </tr>
  );
}

function ServiceCard({ s, h }: { s: ServiceCommon; h?: ServiceHealth }) {
  const health = healthText(h);
  const nodes = s['node-count'];
  return (
    <li className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
      <div className="flex items-start justify-between gap-2">
        <Link href={`/services/${s.name}`} className={`min-w-0 break-all ${nameLink}`}>
          {s.name}
        </Link>
        <StateBadge state={s.state} />
      </div>
      <p className="mt-1 text-sm">
        {s.plan} · PostgreSQL {s.version ?? '–'}
        {nodes !== undefined ? ` · ${nodes} ${nodes === 1 ? 'node' : 'nodes'}` : ''}
      </p>
      {health ? <p className="mt-1 text-xs">{health}</p> : null}
      <p className={`mt-1 text-xs ${muted}`}>
        Created <Time at={s['created-at']} />
      </p>
    </li>
  );
}

const head = (
  <thead className="border-b border-zinc-200 text-xs text-zinc-600 uppercase dark:border-zinc-800 dark:text-zinc-400">
    <tr>
      <th className="py-2 pr-3">Name</th>
      <th className="pr-3">Plan</th>
      <th className="pr-3">Version</th>
      <th className="pr-3">State</th>
      <th className="pr-3">Nodes</th>
      <th className="pr-3">Health</th>
      <th>Created</th>
    </tr>
  </thead>
);

export function ServicesPageView({ services, health = {}, error, canCreate }: { services: ServiceCommon[]; health?: Record<string, ServiceHealth>; error?: string; canCreate: boolean }) {
  return (
    <>
      <ServicesFilter
        rows={services.map((s) => ({ name: s.name, row: <Row key={s.name} s={s} h={health[s.name]} />, card: <ServiceCard key={s.name} s={s} h={health[s.name]} /> }))}
        head={head}
        actions={canCreate ? <Link href="/services/new" className={createLink}>Create service</Link> : null}
      >
        <ErrorText error={error ? { message: error } : null} />
        {!error && services.length === 0 ? (
          <div className="rounded-lg border border-dashed border-zinc-300 p-10 text-center dark:border-zinc-700">
            <p className="font-medium">No services yet</p>
            <p className={`mt-1 text-sm ${muted}`}>A service is a PostgreSQL server with its databases and users.</p>
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
