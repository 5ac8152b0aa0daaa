'use client';
// The plan change dialog's steps after the choice: the review (what follows,
// the restart said first, the upstream's refusal when it answered one) and
// the change under way, then its outcome in the operation's own words; and
// what it shows when the plans cannot be read. A step takes focus on its
// heading when it appears: the button that led to it is gone.
import { useEffect, useRef, type ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import { ErrorText } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { Spinner } from '@/components/ui/spinner';
import type { TrackedOperation } from '@/lib/queries/operation-log';

export interface Started {
  id: string;
  from: string;
  to: string;
}

/** Focus on the heading of a step when it appears, so the keyboard goes on from there (the button that led to it is gone). */
function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

export function ChooseError({ error, onClose }: { error: unknown; onClose: () => void }) {
  return (
    <div className="space-y-4">
      <ErrorText error={error} />
      <div className="flex justify-end">
        <Button variant="secondary" onClick={onClose}>
          Close
        </Button>
      </div>
    </div>
  );
}

interface ReviewProps {
  headingId: string;
  title: string;
  restarts: boolean;
  submitting: boolean;
  refusal?: string;
  onBack: () => void;
  onSubmit: () => void;
  children: ReactNode;
}

export function Review({ headingId, title, restarts, submitting, refusal, onBack, onSubmit, children }: ReviewProps) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <h3 ref={heading} id={headingId} tabIndex={-1} className="text-sm font-semibold focus:outline-none">
        Review: {title}
      </h3>
      {restarts ? (
        <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950/40">
          <strong>This change restarts PostgreSQL.</strong> Open connections are dropped and the service is briefly unavailable.
        </p>
      ) : null}
      {children}
      {refusal ? (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950/40 dark:text-red-200">
          <strong className="font-semibold">The upstream refused the change.</strong> {refusal}
        </p>
      ) : null}
      <div className="flex justify-between gap-2">
        <Button variant="secondary" onClick={onBack}>
          Back
        </Button>
        <Button type="submit" disabled={submitting} aria-busy={submitting || undefined}>
          {submitting ? 'Changing…' : restarts ? 'Change plan and restart' : 'Change plan'}
        </Button>
      </div>
    </form>
  );
}

const ended: Record<'success' | 'failure' | 'error', (s: Started) => string> = {
  success: (s) => `The service runs ${s.to}.`,
  failure: (s) => `The change to ${s.to} failed: the service stays on ${s.from}.`,
  // the change may go on: only following it stopped
  error: (s) => `The change to ${s.to} could not be followed: the service page shows where it is.`,
};

/** The change under way, then its outcome with the operation's own words; one heading that keeps focus throughout. */
export function Progress({ started, op, onClose }: { started: Started; op?: TrackedOperation; onClose: () => void }) {
  const heading = useFocusOnMount<HTMLParagraphElement>();
  const state = op?.state ?? 'pending';
  return (
    <div className="space-y-4">
      <div
        role={state === 'pending' || state === 'success' ? 'status' : 'alert'}
        className={cn(
          'space-y-1 rounded-md p-3 text-sm',
          state === 'pending' && 'bg-zinc-50 dark:bg-zinc-800/60',
          state === 'success' && 'bg-green-50 text-green-900 dark:bg-green-900/30 dark:text-green-200',
          (state === 'failure' || state === 'error') && 'bg-red-50 text-red-900 dark:bg-red-950/40 dark:text-red-200',
        )}
      >
        <p ref={heading} tabIndex={-1} className="flex items-center gap-2 font-medium focus:outline-none">
          {state === 'pending' ? (
            <>
              <Spinner /> Changing from {started.from} to {started.to}…
            </>
          ) : (
            ended[state](started)
          )}
        </p>
        {op?.message ? <p>{state === 'success' ? `Done: ${op.message}.` : op.message}</p> : null}
      </div>
      <div className="flex justify-end">
        <Button variant={state === 'pending' ? 'secondary' : 'primary'} onClick={onClose}>
          {state === 'pending' ? 'Close (the change goes on)' : 'Close'}
        </Button>
      </div>
    </div>
  );
}
