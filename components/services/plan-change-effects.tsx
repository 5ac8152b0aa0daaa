'use client';
// What a plan change does, as the plan change dialog shows it under the
// picker and again in the review: the figures now and after, then what
// follows in words. Where the upstream previews the change (this engine), the
// PostgreSQL parameters that move and whether it restarts, exactly; where it
// does not (the public zones), only what the public figures say.
import { useId } from 'react';
import { Badge } from '@/components/ui/badge';
import type { PlanEffects, PlanFigures } from '@/lib/plan-change/effects';
import type { PlanChangesAnswer } from '@/lib/schemas/plan-change';
import { formatBytes } from './format';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

const rows: { label: string; value: (f: PlanFigures) => string | undefined }[] = [
  { label: 'Nodes', value: (f) => String(f.nodes) },
  { label: 'CPUs per node', value: (f) => String(f.cpus) },
  { label: 'Memory per node', value: (f) => formatBytes(f.memory) },
  { label: 'Disk', value: (f) => formatBytes(f.disk) },
  { label: 'Backups kept', value: (f) => (f.backupsKept === undefined ? undefined : String(f.backupsKept)) },
];

function Figures({ effects: e }: { effects: PlanEffects }) {
  return (
    <table className="w-full text-sm">
      <caption className="sr-only">
        {e.from.name} and {e.to.name} side by side
      </caption>
      <thead>
        <tr className="text-left text-xs text-zinc-500 dark:text-zinc-400">
          <th scope="col" className="py-1 pr-2 font-normal">
            <span className="sr-only">Figure</span>
          </th>
          <th scope="col" className="py-1 pr-2 font-normal">
            Now ({e.from.name})
          </th>
          <th scope="col" className="py-1 font-normal">
            With {e.to.name}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ label, value }) => {
          const [from, to] = [value(e.from), value(e.to)];
          if (from === undefined && to === undefined) return null;
          const changed = from !== to;
          return (
            <tr key={label} className="border-t border-zinc-200 dark:border-zinc-800">
              <th scope="row" className="py-1 pr-2 text-left font-normal text-zinc-600 dark:text-zinc-300">
                {label}
              </th>
              <td className="py-1 pr-2">{from ?? '–'}</td>
              <td className={changed ? 'py-1 font-semibold' : 'py-1'}>{to ?? '–'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** What follows the move, a sentence each. */
function consequences(e: PlanEffects, diskUse: PlanChangesAnswer['disk-use']): string[] {
  const out: string[] = [];
  const p = e.preview;
  if (p) {
    if (e.restartFor?.length) {
      out.push(`PostgreSQL restarts to apply ${e.restartFor.join(', ')}${e.from.nodes > 1 ? ' on every node, the standbys first and the master last' : ''}: open connections are dropped and the service is unavailable for a few seconds.`);
    } else if (p.parameters.length) {
      out.push('PostgreSQL takes the new values with a reload: it does not restart, and open connections stay.');
    } else {
      out.push('PostgreSQL’s settings stay as they are: it does not restart.');
    }
  } else if (p === null) {
    if (e.memoryChanges) out.push('Settings the upstream derives from memory (shared_buffers, work_mem and max_connections among them) follow the new memory, except those the service sets itself.');
    out.push('How the change is carried out is the upstream’s (new nodes, or a restart): expect open connections to be dropped once.');
  }
  if (e.standbysAdded) {
    out.push(`${plural(e.standbysAdded, 'standby is', 'standbys are')} added${p ? ', copied online from the master, which keeps serving' : ''}.${e.failover === 'gained' ? ' From then on, a failed master fails over to a standby automatically.' : ''}`);
  }
  if (e.standbysRemoved) {
    out.push(`${plural(e.standbysRemoved, 'standby is', 'standbys are')} removed${p ? ' (the newest first); the master keeps serving' : ''}.${e.failover === 'lost' ? ' With one node, nothing fails over automatically.' : ''}`);
  }
  if (e.diskShrinks && diskUse) {
    out.push(`The service holds ${formatBytes(diskUse.total)} now (databases ${formatBytes(diskUse.databases)}, WAL ${formatBytes(diskUse.wal)}, backups ${formatBytes(diskUse.backups)}); ${e.to.name} has ${formatBytes(e.to.disk)} of disk.`);
  }
  return out;
}

/** `labelledBy`: the heading above, which names the list of consequences. */
export function PlanChangeEffects({ effects: e, diskUse, labelledBy }: { effects: PlanEffects; diskUse: PlanChangesAnswer['disk-use']; labelledBy: string }) {
  const parameters = e.preview?.parameters ?? [];
  const parametersId = useId();
  return (
    <div className="space-y-3">
      {e.refused ? (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950/40 dark:text-red-200">
          <strong className="font-semibold">The upstream refuses this change now.</strong> {e.refused}
        </p>
      ) : null}
      <Figures effects={e} />
      {e.preview === undefined ? (
        <p aria-busy="true" className="text-sm text-zinc-500 dark:text-zinc-400">
          Reading what the upstream says this change does…
        </p>
      ) : null}
      <ul aria-labelledby={labelledBy} className="list-disc space-y-1 pl-5 text-sm">
        {consequences(e, diskUse).map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ul>
      {parameters.length ? (
        <div>
          <h4 id={parametersId} className="text-sm font-medium">
            PostgreSQL parameters that follow the plan
          </h4>
          <ul aria-labelledby={parametersId} className="mt-1 divide-y divide-zinc-200 rounded-md border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
            {parameters.map((c) => (
              <li key={c.name} className="flex flex-wrap items-center gap-x-2 gap-y-0.5 px-3 py-1.5 text-sm">
                <code className="font-mono font-medium break-all">{c.name}</code>
                <span className="break-all">
                  {c.from ?? 'unset'} → <span className="font-medium">{c.to ?? 'unset'}</span>
                </span>
                {c.restart ? <Badge tone="amber">restarts PostgreSQL</Badge> : null}
                {c['from-settings'] ? <span className="text-xs text-zinc-600 dark:text-zinc-300">from the service’s own setting</span> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
