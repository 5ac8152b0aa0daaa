'use client';
// Announces the operations the console follows (lib/queries/operation-log.ts):
// in progress, done, or failed with the reason, in a polite live region. The
// marks are drawn (the spinner, lucide's icons), not characters a font may lack, and
// are not read out.
import { Check, CircleAlert } from 'lucide-react';
import { Spinner } from '@/components/ui/spinner';
import { useTrackedOperations } from '@/lib/queries/operations';

const icon = 'mt-0.5 h-4 w-4 shrink-0';
const mark = {
  pending: <Spinner className="mt-0.5" />,
  success: <Check className={`${icon} text-green-600 dark:text-green-400`} />,
  failure: <CircleAlert className={`${icon} text-red-600 dark:text-red-400`} />,
  error: <CircleAlert className={`${icon} text-red-600 dark:text-red-400`} />,
} as const;
const outcome = { pending: ': in progress', success: ': done', failure: ': failed', error: ': failed' } as const;

export function OperationsLiveRegion() {
  const items = useTrackedOperations();
  return (
    <div aria-live="polite" className="fixed right-4 bottom-4 left-4 z-50 flex flex-col gap-2 sm:left-auto sm:w-80">
      {items.map((x) => (
        <div
          key={x.id}
          role="status"
          data-state={x.state}
          className="flex gap-2 rounded-md border border-zinc-200 bg-white p-3 text-sm shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          {mark[x.state]}
          <div className="min-w-0">
            <p className="font-medium break-words">
              {x.label}
              {outcome[x.state]}
            </p>
            {x.message && x.state === 'pending' ? <p className="mt-1 break-words text-zinc-600 dark:text-zinc-300">{x.message}</p> : null}
            {x.message && (x.state === 'failure' || x.state === 'error') ? <p className="mt-1 break-words text-red-600 dark:text-red-400">{x.message}</p> : null}
          </div>
        </div>
      ))}
    </div>
  );
}
