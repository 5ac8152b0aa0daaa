// A standby's way to running, from its `progress-updates`: the phase under way
// in plain words (step n of 4), and for the copy and the catch-up a bar of
// bytes done. A native <progress>: no inline style (the CSP forbids it), and
// it is a progressbar to assistive technology by itself.
import { formatBytes } from '@/components/services/format';
import type { NodeStateView } from '@/lib/schemas/service';

type Update = NonNullable<NodeStateView['progress-updates']>[number];

const phases: Record<Update['phase'], string> = {
  prepare: 'Preparing',
  basebackup: 'Copying data',
  stream: 'Catching up',
  finalize: 'Finalizing',
};
const order: Update['phase'][] = ['prepare', 'basebackup', 'stream', 'finalize'];

/** The phase under way: the first not completed in the contract's order, else the last reported. */
function current(updates: Update[]): Update | undefined {
  const sorted = [...updates].sort((a, b) => order.indexOf(a.phase) - order.indexOf(b.phase));
  return sorted.find((u) => !u.completed) ?? sorted.at(-1);
}

const amount = (n: number, unit?: string | null) => (unit === 'bytes' || !unit ? formatBytes(n) : `${n} ${unit}`);

export function NodeProgress({ node }: { node: NodeStateView }) {
  const u = current(node['progress-updates'] ?? []);
  if (!u) return null;
  const done = u.current ?? undefined;
  const max = u.max ?? undefined;
  const measured = done !== undefined && max !== undefined && max > 0;
  const label = `${phases[u.phase]} (step ${order.indexOf(u.phase) + 1} of ${order.length})`;
  const figures = measured ? `${amount(done, u.unit)} of ${amount(max, u.unit)} (${Math.min(100, Math.floor((done / max) * 100))} %)` : undefined;
  return (
    <div className="mt-1.5 space-y-1">
      <p className="text-xs text-zinc-600 dark:text-zinc-300">
        {label}
        {figures ? `: ${figures}` : u.completed ? ': done' : '…'}
      </p>
      {measured ? (
        <progress
          value={Math.min(done, max)}
          max={max}
          aria-label={`${phases[u.phase]} on ${node.name}`}
          aria-valuetext={figures}
          className="block h-1.5 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800 [&::-moz-progress-bar]:bg-blue-600 [&::-webkit-progress-bar]:bg-zinc-200 dark:[&::-webkit-progress-bar]:bg-zinc-800 [&::-webkit-progress-value]:bg-blue-600"
        />
      ) : null}
    </div>
  );
}
