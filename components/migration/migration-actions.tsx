'use client';
// The migration card's actions, for keys that may write: "Migrate data in…"
// when none is under way; "Stop and cut over…" for one in sync, "Stop the
// migration…" for one still copying. The dialogs load when first opened and
// stay mounted after, so an operation they started is still followed.
import { lazy, Suspense, useState } from 'react';
import { useCan } from '@/components/session/session-context';
import { Button } from '@/components/ui/button';
import { Spinner } from '@/components/ui/spinner';
import { migrationActions } from '@/lib/migration/status';
import { useTrackedOperations } from '@/lib/queries/operations';
import type { MigrationStatus } from '@/lib/schemas/migration';

const Wizard = lazy(() => import('./migration-wizard'));
const StopDialog = lazy(() => import('./stop-migration-dialog'));

type Which = 'wizard' | 'stop';

export function MigrationActions({ name, status }: { name: string; status?: MigrationStatus }) {
  const canWrite = useCan('write');
  const [opened, setOpened] = useState<Record<Which, boolean>>({ wizard: false, stop: false });
  const [open, setOpen] = useState<Which | null>(null);
  const [stopId, setStopId] = useState<string | null>(null);
  const stopping = useTrackedOperations().some((o) => o.id === stopId && o.state === 'pending');
  if (!canWrite) return null;
  const can = migrationActions(status ? { status } : null);
  const show = (which: Which) => {
    setOpened((o) => ({ ...o, [which]: true }));
    setOpen(which);
  };
  return (
    <>
      <div className="mt-4 flex flex-wrap items-center gap-2">
        {can.start ? (
          <Button variant="secondary" onClick={() => show('wizard')}>
            Migrate data in…
          </Button>
        ) : null}
        {stopping ? (
          <p role="status" className="flex items-center gap-2 text-sm">
            <Spinner />
            {can.cutOver ? 'Cutting over…' : 'Stopping the migration…'}
          </p>
        ) : null}
        {can.cutOver && !stopping ? <Button onClick={() => show('stop')}>Stop and cut over…</Button> : null}
        {can.abort && !stopping ? (
          <Button variant="ghost-danger" onClick={() => show('stop')}>
            Stop the migration…
          </Button>
        ) : null}
      </div>
      <Suspense fallback={null}>
        {opened.wizard ? <Wizard open={open === 'wizard'} name={name} onClose={() => setOpen(null)} /> : null}
        {opened.stop ? <StopDialog open={open === 'stop'} name={name} cutOver={can.cutOver} onClose={() => setOpen(null)} onStarted={setStopId} /> : null}
      </Suspense>
    </>
  );
}
