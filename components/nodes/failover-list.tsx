// The service's automatic failovers, newest first: when, from which node to
// which, how long the switch took once the window ended, the window itself,
// and how the old master came back.
import { formatSeconds } from '@/components/services/format';
import { Time } from '@/components/services/time';
import type { FailoverView } from '@/lib/schemas/service';

/** What the window waited on, with the old master's name. */
const reasons: Record<string, (from: string) => string> = {
  unreachable: (from) => `without an answer from ${from}`,
  'not-running': (from) => `with ${from} not running`,
  'cannot-start': (from) => `with ${from} unable to start`,
};

/** A failover still under way, or stopped short; `done` says nothing. */
const states: Record<string, string> = {
  fencing: 'fencing the old master',
  promoting: 'promoting',
  repointing: 'moving clients over',
  rebuilding: 'the old master is being rebuilt as a standby',
  held: 'held: no standby may be promoted without losing commits',
};

const rebuilds: Record<NonNullable<FailoverView['rebuild']>, string> = {
  rewind: 'was rewound (pg_rewind) and is a standby again',
  copy: 'was copied afresh and is a standby again',
};

function FailoverItem({ f }: { f: FailoverView }) {
  const took = f['total-ms'] === null ? undefined : `in ${formatSeconds(f['total-ms'] / 1000)}`;
  const why = `After ${formatSeconds(f['window-seconds'])} ${reasons[f.reason]?.(f.from) ?? `(${f.reason})`}`;
  return (
    <li className="py-2">
      <div className="flex flex-wrap items-baseline justify-between gap-x-3">
        <p className="font-medium">
          <span className="font-mono text-xs">{f.from}</span> → {f.to ? <span className="font-mono text-xs">{f.to}</span> : 'no standby promoted'}
          {took ? ` ${took}` : ''}
        </p>
        <Time at={f.at} className="text-xs text-zinc-500 dark:text-zinc-400" />
      </div>
      <p className="text-xs text-zinc-600 dark:text-zinc-300">
        {why}
        {f.rebuild && f.state === 'done' ? `; ${f.from} ${rebuilds[f.rebuild]}` : ''}
        {f.state !== 'done' ? `; ${states[f.state] ?? f.state}` : ''}.
      </p>
      {f.message ? <p className="text-xs text-zinc-600 dark:text-zinc-300">{f.message}</p> : null}
    </li>
  );
}

export function FailoverList({ failovers }: { failovers: FailoverView[] }) {
  const newest = [...failovers].sort((a, b) => b.at.localeCompare(a.at));
  return (
    <section aria-labelledby="failovers-heading" className="mt-4">
      <h3 id="failovers-heading" className="mb-1 text-sm font-semibold">
        Failovers
      </h3>
      <ol className="divide-y divide-zinc-100 text-sm dark:divide-zinc-900">
        {newest.map((f) => (
          <FailoverItem key={`${f.at}-${f.from}`} f={f} />
        ))}
      </ol>
    </section>
  );
}
