'use client';
// "Upgrade PostgreSQL…" beside the version on the overview, for keys that may
// write. The dialog loads when first opened and stays mounted after, so an
// upgrade under way is still followed when it is opened again.
import { lazy, Suspense, useState } from 'react';
import { useCan } from '@/components/session/session-context';
import { Button } from '@/components/ui/button';
import type { ServicePg } from '@/lib/schemas/service';

const UpgradeDialog = lazy(() => import('./upgrade-dialog'));

export function UpgradeButton({ service }: { service: ServicePg }) {
  const canWrite = useCan('write');
  // undefined until first opened
  const [open, setOpen] = useState<boolean>();
  if (!canWrite || !service.version) return null;
  return (
    <>
      <Button
        variant="link"
        // beside the version it reads "Upgrade…"; alone, it says what
        aria-label="Upgrade PostgreSQL…"
        className="ml-3"
        onClick={() => setOpen(true)}
      >
        Upgrade…
      </Button>
      <Suspense fallback={null}>{open === undefined ? null : <UpgradeDialog open={open} service={service} onClose={() => setOpen(false)} />}</Suspense>
    </>
  );
}
