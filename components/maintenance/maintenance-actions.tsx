'use client';
// The maintenance card's actions, for keys that may write: change the window,
// and apply the pending updates now, following the operation to its final
// message (what was applied, how long writes were refused). The dialogs load
// when first opened and stay mounted after, so closing one gives focus back.
import { lazy, Suspense, useState } from 'react';
import { useCan } from '@/components/session/session-context';
import { Button } from '@/components/ui/button';
import { Spinner } from '@/components/ui/spinner';
import type { TrackedOperation } from '@/lib/queries/operation-log';
import { useTrackedOperations } from '@/lib/queries/operations';
import type { ServicePg } from '@/lib/schemas/service';

const WindowDialog = lazy(() => import('./maintenance-window-dialog'));
const ApplyDialog = lazy(() => import('./apply-maintenance-dialog'));

type Which = 'window' | 'apply';

interface Props {
  name: string;
  maintenance: ServicePg['maintenance'];
  /** How many updates are pending. */
  updates: number;
}

export function MaintenanceActions({ name, maintenance, updates }: Props) {
  const canWrite = useCan('write');
  const [opened, setOpened] = useState<Record<Which, boolean>>({ window: false, apply: false });
  const [open, setOpen] = useState<Which | null>(null);
  const [applyId, setApplyId] = useState<string | null>(null);
  // the operation log lets go of an outcome after a while; the card keeps the last one seen
  const tracked = useTrackedOperations().find((o) => o.id === applyId);
  const [applied, setApplied] = useState<TrackedOperation | undefined>();
  if (tracked && tracked !== applied) setApplied(tracked);
  if (!canWrite) return null;

  const show = (which: Which) => {
    setOpened((o) => ({ ...o, [which]: true }));
    setOpen(which);
  };
  const applying = applied?.state === 'pending';
  return (
    <>
      <div className="mt-4 flex flex-wrap items-center gap-2">
        <Button variant="secondary" onClick={() => show('window')}>
          Change window…
        </Button>
        <Button variant="secondary" onClick={() => show('apply')} disabled={applying} aria-busy={applying || undefined}>
          Apply now
        </Button>
      </div>
      <ApplyProgress op={applied} />
      <Suspense fallback={null}>
        {opened.window ? <WindowDialog open={open === 'window'} name={name} maintenance={maintenance} onClose={() => setOpen(null)} /> : null}
        {opened.apply ? <ApplyDialog open={open === 'apply'} name={name} updates={updates} onClose={() => setOpen(null)} onStarted={setApplyId} /> : null}
      </Suspense>
    </>
  );
}

/** The apply operation while it runs, then its final message. */
function ApplyProgress({ op }: { op?: TrackedOperation }) {
  if (!op) return null;
  if (op.state === 'pending') {
    return (
      <p role="status" className="mt-3 flex items-center gap-2 text-sm">
        <Spinner />
        Applying the updates…{op.message ? ` ${op.message}` : ''}
      </p>
    );
  }
  if (op.state === 'success') {
    return (
      <p role="status" className="mt-3 rounded-md bg-green-50 p-2 text-sm text-green-900 dark:bg-green-900/30 dark:text-green-200">
        Maintenance done: {op.message ?? 'nothing was reported'}
      </p>
    );
  }
  return (
    <p role="alert" className="mt-3 rounded-md bg-red-50 p-2 text-sm text-red-900 dark:bg-red-900/30 dark:text-red-200">
      Maintenance failed: {op.message ?? 'no reason given'}
    </p>
  );
}
