'use client';
// The Read replicas card's action, for keys that may write: "Create read
// replica" on a service, "Promote to standalone" on a replica. Kept to a
// button: the dialog loads when first opened (the overview's first load
// carries none of it) and stays mounted after, so closing it gives focus back.
import { lazy, Suspense, useState } from 'react';
import { Button } from '@/components/ui/button';
import type { ReplicaDialogProps } from './replica-dialog';

const ReplicaDialog = lazy(() => import('./replica-dialog'));

export function ReplicaActions({ label, disabled, ...dialog }: ReplicaDialogProps & { label: string; disabled: boolean }) {
  // undefined until first opened
  const [open, setOpen] = useState<boolean>();
  return (
    <>
      <Button variant={dialog.kind === 'create' ? 'primary' : 'secondary'} disabled={disabled} onClick={() => setOpen(true)}>
        {label}
      </Button>
      <Suspense fallback={null}>{open === undefined ? null : <ReplicaDialog {...dialog} open={open} onClose={() => setOpen(false)} />}</Suspense>
    </>
  );
}
