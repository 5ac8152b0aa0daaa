// Read replicas on a service's overview, rendered on the server with the page
// (which refreshes it every 2 s while the service has any). On a source: its
// replicas, each with its status and its lag (read from the replica's own
// node, `replicaNodes`; a dash where it could not be read), and "Create read
// replica". On a replica: what it follows, its lag and "Promote to
// standalone". Keys that may write get the actions, an island
// (replica-actions.tsx).
import Link from 'next/link';
import { formatBytes, formatSeconds } from '@/components/services/format';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import type { Integration } from '@/lib/schemas/integration';
import type { NodeStateView, ServicePg } from '@/lib/schemas/service';
import { ReplicaActions } from './replica-actions';
import { replicaLink, replicasOf } from './replica-of';

interface Props {
  service: ServicePg;
  /** Each replica's node, by the replica's name (its lag); undefined where it could not be read. */
  replicaNodes: Record<string, NodeStateView | undefined>;
  canWrite: boolean;
}

const muted = 'text-sm text-zinc-600 dark:text-zinc-300';

/** building / streaming / promoting, in words and a colour (the words say it all). */
function Status({ status }: { status?: string }) {
  return (
    <Badge tone={status === 'streaming' ? 'green' : 'amber'}>
      <span className="sr-only">Status: </span>
      {status ?? 'unknown'}
    </Badge>
  );
}

function Lag({ node }: { node?: NodeStateView }) {
  const bytes = node?.['pgdeck-lag-bytes'];
  const seconds = node?.['pgdeck-lag-seconds'];
  return (
    <span className="text-xs text-zinc-600 dark:text-zinc-300">
      Lag: <span className="font-medium tabular-nums">{bytes === undefined && seconds === undefined ? '– (unknown)' : `${formatBytes(bytes)}, ${formatSeconds(seconds)}`}</span>
    </span>
  );
}

function ReplicaItem({ replica, node }: { replica: Integration; node?: NodeStateView }) {
  return (
    <li className="flex flex-wrap items-center gap-x-2 gap-y-1 py-2">
      <Link href={`/services/${encodeURIComponent(replica.dest)}`} className="font-mono text-xs break-all text-blue-700 hover:underline dark:text-blue-400">
        {replica.dest}
      </Link>
      <Status status={replica.status} />
      <Lag node={node} />
    </li>
  );
}

/** On a replica's page: what it follows; promotion cuts it loose. */
function ReplicaOf({ service: s, link, canWrite }: { service: ServicePg; link: Integration; canWrite: boolean }) {
  const source = link.source;
  const promoting = link.status === 'promoting';
  return (
    <Card title="Read replica">
      <p role="note" className="rounded-md bg-blue-50 p-3 text-sm text-blue-950 dark:bg-blue-950/40 dark:text-blue-100">
        <span className="font-medium">
          Read replica of{' '}
          <Link href={`/services/${encodeURIComponent(source)}`} className="font-mono underline">
            {source}
          </Link>
        </span>
        : it streams {source}’s data and serves reads only. Writes, users, databases and pools are changed on {source}.
      </p>
      <div className="mt-3 flex flex-wrap items-center gap-x-2 gap-y-1">
        <Status status={link.status} />
        <Lag node={s['node-states']?.[0]} />
      </div>
      {canWrite ? (
        <div className="mt-3">
          <ReplicaActions
            kind="promote"
            name={s.name}
            source={source}
            integration={link.id}
            label={promoting ? 'Promoting…' : 'Promote to standalone'}
            disabled={promoting}
          />
        </div>
      ) : null}
    </Card>
  );
}

export function ReplicasCard({ service: s, replicaNodes, canWrite }: Props) {
  const link = replicaLink(s);
  if (link) return <ReplicaOf service={s} link={link} canWrite={canWrite} />;
  const replicas = replicasOf(s);
  const running = s.state === 'running';
  return (
    <Card
      title="Read replicas"
      actions={
        canWrite ? (
          <ReplicaActions kind="create" source={s.name} sourcePlan={s.plan} sourceMemory={s['node-memory']} label="Create read replica" disabled={!running} />
        ) : null
      }
    >
      {replicas.length === 0 ? (
        <p className={muted}>None. A read replica is a service of its own that follows this one and serves reads only.</p>
      ) : (
        <ul aria-label={`Read replicas of ${s.name}`} className="divide-y divide-zinc-100 text-sm dark:divide-zinc-900">
          {replicas.map((r) => (
            <ReplicaItem key={r.id} replica={r} node={replicaNodes[r.dest]} />
          ))}
        </ul>
      )}
      {canWrite && !running ? <p className={`mt-2 ${muted}`}>A read replica can be created once the service is running.</p> : null}
    </Card>
  );
}
