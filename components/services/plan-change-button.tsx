'use client';
// "Change plan…" beside the plan on the overview, for keys that may write. The
// dialog (its own chunk) loads when first opened and stays mounted after, so a
// change under way is still followed when it is opened again.
import { lazy, Suspense, useState } from 'react';
import { useCan } from '@/components/session/session-context';
import { Button } from '@/components/ui/button';
import type { ServicePg } from '@/lib/schemas/service';

const PlanChangeDialog = lazy(() => import('./plan-change-dialog'));

export function PlanChangeButton({ service }: { service: ServicePg }) {
  const canWrite = useCan('write');
  // undefined until first opened
  const [open, setOpen] = useState<boolean>();
  if (!canWrite) return null;
  return (
    <>
      <Button variant="link" className="ml-3" onClick={() => setOpen(true)}>
        Change plan…
      </Button>
      <Suspense fallback={null}>{open === undefined ? null : <PlanChangeDialog open={open} service={service} onClose={() => setOpen(false)} />}</Suspense>
    </>
  );
}
