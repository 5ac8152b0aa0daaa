'use client';
// An upgrade under way: its five steps as the operation's message names them
// (`upgrade 17 → 18: backup (2/5)`), then the outcome: the new major, or a
// failure, shown as a rollback when the service runs its old major as before.
import { Check, X } from 'lucide-react';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { Spinner } from '@/components/ui/spinner';
import type { TrackedOperation } from '@/lib/queries/operation-log';
import { upgradeStepOf, upgradeSteps } from '@/lib/schemas/upgrade-steps';
import { stepLabels, stepStates, upgradeOutcome, type StepState } from '@/lib/upgrade/steps';

interface Props {
  started: { from: string; to: string };
  op?: TrackedOperation;
  onClose: () => void;
}

const said: Record<StepState, string> = { done: 'done', current: 'in progress', failed: 'failed', waiting: 'to come' };

export function UpgradeProgress({ started, op, onClose }: Props) {
  const outcome = op ? upgradeOutcome(op) : 'pending';
  // the step is in the message only while pending: the last one seen is kept for the end
  const now = op?.state === 'pending' ? upgradeStepOf(op.message) : null;
  const [lastStep, setLastStep] = useState<number | null>(null);
  if (now !== null && now !== lastStep) setLastStep(now);
  const states = stepStates(lastStep, outcome);

  return (
    <div className="space-y-4">
      <ol aria-label="Upgrade steps" className="grid grid-cols-5 gap-1">
        {upgradeSteps.map((step, i) => {
          const state = states[i] ?? 'waiting';
          return (
            <li key={step} aria-current={state === 'current' ? 'step' : undefined} className="flex flex-col items-center gap-1 text-center text-xs">
              <span
                aria-hidden="true"
                className={cn(
                  'flex h-7 w-7 items-center justify-center rounded-full border-2 font-semibold',
                  state === 'done' && 'border-green-600 bg-green-600 text-white',
                  state === 'current' && 'border-blue-600 text-blue-700 dark:text-blue-300',
                  state === 'failed' && 'border-red-600 bg-red-600 text-white',
                  state === 'waiting' && 'border-zinc-300 text-zinc-400 dark:border-zinc-700',
                )}
              >
                {state === 'current' ? <Spinner className="h-3.5 w-3.5" /> : state === 'done' ? <Check className="h-4 w-4" strokeWidth={3} /> : state === 'failed' ? <X className="h-4 w-4" strokeWidth={3} /> : i + 1}
              </span>
              <span className={state === 'waiting' ? 'text-zinc-500 dark:text-zinc-400' : 'font-medium'}>
                {stepLabels[step]}
                <span className="sr-only">: {said[state]}</span>
              </span>
            </li>
          );
        })}
      </ol>

      {outcome === 'pending' ? (
        <div>
          <p role="status" className="text-sm text-zinc-700 dark:text-zinc-300">
            Upgrading from PostgreSQL {started.from} to {started.to}: step {(lastStep ?? 0) + 1} of {upgradeSteps.length},{' '}
            {stepLabels[upgradeSteps[lastStep ?? 0] ?? 'check'].toLowerCase()}…
          </p>
          {op?.message ? <p className="mt-1 font-mono text-xs text-zinc-500 dark:text-zinc-400">{op.message}</p> : null}
        </div>
      ) : null}
      {outcome === 'success' ? (
        <div role="status" className="rounded-md bg-green-50 p-3 text-sm text-green-900 dark:bg-green-900/30 dark:text-green-200">
          <p className="font-medium">The service runs PostgreSQL {started.to}.</p>
          {op?.message ? <p className="mt-1">{op.message}</p> : null}
        </div>
      ) : null}
      {outcome === 'rolled-back' ? (
        <div role="alert" className="rounded-md bg-amber-50 p-3 text-sm text-amber-900 dark:bg-amber-900/30 dark:text-amber-200">
          <p className="font-medium">
            The upgrade failed and was rolled back: the service still runs PostgreSQL {started.from}, with its data as it was.
          </p>
          {op?.message ? <p className="mt-1">{op.message}</p> : null}
        </div>
      ) : null}
      {outcome === 'failed' ? (
        <div role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-900 dark:bg-red-900/30 dark:text-red-200">
          <p className="font-medium">The upgrade failed.</p>
          <p className="mt-1">{op?.message ?? 'No reason was given.'}</p>
        </div>
      ) : null}

      <div className="flex items-center justify-end gap-3">
        {outcome === 'pending' ? <p className="text-xs text-zinc-500 dark:text-zinc-400">It goes on if you close this; open it again to follow it.</p> : null}
        <Button variant="secondary" onClick={onClose}>
          Close
        </Button>
      </div>
    </div>
  );
}
