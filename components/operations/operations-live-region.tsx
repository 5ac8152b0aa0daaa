'use client';
// Announces the operations the console follows (lib/queries/operation-log.ts):
// in progress, done, or failed with the reason, in a polite live region.
import { useTrackedOperations } from '@/lib/queries/operations';

const mark = { pending: '⏳ ', success: '✓ ', failure: '✗ ', error: '✗ ' } as const;
const outcome = { pending: ': in progress', success: ': done', failure: ': failed', error: ': failed' } as const;

export function OperationsLiveRegion() {
  const items = useTrackedOperations();
  return (
    <div aria-live="polite" className="fixed right-4 bottom-4 z-50 flex w-80 flex-col gap-2">
      {items.map((x) => (
        <div
          key={x.id}
          role="status"
          data-state={x.state}
          className="rounded-md border border-zinc-200 bg-white p-3 text-sm shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          <p className="font-medium">
            {mark[x.state]}
            {x.label}
            {outcome[x.state]}
          </p>
          {x.message && x.state === 'pending' ? <p className="mt-1 text-zinc-600 dark:text-zinc-300">{x.message}</p> : null}
          {x.message && (x.state === 'failure' || x.state === 'error') ? <p className="mt-1 text-red-600 dark:text-red-400">{x.message}</p> : null}
        </div>
      ))}
    </div>
  );
}
