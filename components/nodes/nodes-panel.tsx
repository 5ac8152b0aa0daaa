// The service's nodes: each one's role, state and, on standbys, how far behind
// the master it is (bytes and seconds) and whether commits wait for it; a
// standby on its way shows its progress. Then the automatic failovers. Rendered
// on the server; the page refreshes it (every 2 s while a node is not running
// or the service has standbys: nodesNeedWatching). Upstreams that send no
// pgdeck-* fields get role and state only.
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { formatBytes, formatSeconds } from '@/components/services/format';
import type { NodeStateView, ServicePg } from '@/lib/schemas/service';
import { FailoverList } from './failover-list';
import { NodeProgress } from './node-progress';

const roles: Record<NonNullable<NodeStateView['role']>, string> = { master: 'master', standby: 'standby', 'read-replica': 'read replica' };

/** pg_stat_replication.sync_state in words. */
const syncStates: Record<string, string> = {
  async: 'asynchronous',
  quorum: 'synchronous (quorum)',
  potential: 'synchronous if another standby fails',
  sync: 'synchronous',
};

/** Whether the page should refresh often: a node on its way, or standbys whose lag moves. */
export const nodesNeedWatching = (s: ServicePg | undefined): boolean => {
  const nodes = s?.['node-states'] ?? [];
  return nodes.length > 1 || nodes.some((n) => n.state !== 'running');
};

const stateTone = (state: NodeStateView['state']) => (state === 'running' ? 'green' : state === 'unknown' || state === 'leaving' ? 'red' : 'amber');

function NodeRow({ node: n }: { node: NodeStateView }) {
  const lagBytes = n['pgdeck-lag-bytes'];
  const lagSeconds = n['pgdeck-lag-seconds'];
  const sync = n['pgdeck-sync-state'];
  const hasLag = lagBytes !== undefined || lagSeconds !== undefined;
  return (
    <li className="py-2">
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <span className="font-mono text-xs break-all">{n.name}</span>
        {n.role ? (
          <Badge>
            <span className="sr-only">Role: </span>
            {roles[n.role]}
          </Badge>
        ) : null}
        <Badge tone={stateTone(n.state)}>
          <span className="sr-only">State: </span>
          {n.state.replaceAll('_', ' ')}
        </Badge>
      </div>
      {hasLag || sync ? (
        <dl className="mt-1 flex flex-wrap gap-x-4 gap-y-0.5 text-xs text-zinc-600 dark:text-zinc-300">
          {hasLag ? (
            <div className="flex gap-1">
              <dt>Lag:</dt>
              <dd className="font-medium tabular-nums">
                {formatBytes(lagBytes)}, {formatSeconds(lagSeconds)}
              </dd>
            </div>
          ) : null}
          {sync ? (
            <div className="flex gap-1">
              <dt>Replication:</dt>
              <dd className="font-medium">{syncStates[sync] ?? sync}</dd>
            </div>
          ) : null}
        </dl>
      ) : null}
      {n.state === 'syncing_data' ? <NodeProgress node={n} /> : null}
    </li>
  );
}

export function NodesPanel({ service: s }: { service: ServicePg }) {
  const nodes = s['node-states'] ?? [];
  const failovers = s['pgdeck-failovers'] ?? [];
  const mode = s['synchronous-replication'];
  return (
    <Card title="Nodes">
      {nodes.length > 1 && mode ? (
        <p className="mb-2 text-xs text-zinc-600 dark:text-zinc-300">
          Commits {mode === 'quorum' ? 'wait until one standby has them (synchronous quorum)' : 'do not wait for the standbys (asynchronous)'}.
        </p>
      ) : null}
      {nodes.length === 0 ? (
        <p className="text-sm text-zinc-500 dark:text-zinc-400">No node reported yet.</p>
      ) : (
        <ul aria-label="Nodes" className="divide-y divide-zinc-100 text-sm dark:divide-zinc-900">
          {nodes.map((n) => (
            <NodeRow key={n.name} node={n} />
          ))}
        </ul>
      )}
      {failovers.length > 0 ? <FailoverList failovers={failovers} /> : null}
    </Card>
  );
}
