'use client';
// Deleting a service: only for keys allowed to, never while termination
// protection is on, and only once the name is typed out.
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useCan } from '@/components/session/session-context';
import { Button } from '@/components/ui/button';
import { ErrorText } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { useFieldId } from '@/components/ui/field';
import { TypedNameField } from '@/components/ui/typed-name-field';
import { useDeleteService } from '@/lib/queries/service-mutations';

export function DeleteServiceDialog({ name, terminationProtection }: { name: string; terminationProtection: boolean }) {
  const canDelete = useCan('delete-service');
  const [open, setOpen] = useState(false);
  const hintId = useFieldId('delete-hint');
  if (!canDelete) return null;
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button variant="danger" disabled={terminationProtection} aria-describedby={hintId} onClick={() => setOpen(true)}>
        Delete service
      </Button>
      <p id={hintId} className="text-sm text-zinc-600 dark:text-zinc-400">
        {terminationProtection
          ? 'Turn off termination protection first (Settings above).'
          : 'Deletes the service with its databases, users and data. This cannot be undone.'}
      </p>
      <Dialog open={open} onClose={() => setOpen(false)} title={`Delete ${name}?`}>
        <ConfirmDelete name={name} onCancel={() => setOpen(false)} />
      </Dialog>
    </div>
  );
}

// Mounted only while the dialog is open, so each opening starts blank.
function ConfirmDelete({ name, onCancel }: { name: string; onCancel: () => void }) {
  const router = useRouter();
  const del = useDeleteService(name);
  const [typed, setTyped] = useState('');
  const matches = typed === name;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!matches || del.isPending) return;
    del.mutate(undefined, { onSuccess: () => router.push('/services') });
  };

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <p className="text-sm text-zinc-600 dark:text-zinc-300">
        This stops PostgreSQL and removes <strong className="font-semibold">{name}</strong> with all its databases, users and
        data. It cannot be undone.
      </p>
      <TypedNameField name={name} value={typed} onChange={setTyped} autoFocus />
      <ErrorText error={del.error} />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" variant="danger" disabled={!matches || del.isPending} aria-busy={del.isPending || undefined}>
          {del.isPending ? 'Deleting…' : 'Delete this service'}
        </Button>
      </div>
    </form>
  );
}
