'use client';
// Stopping a migration, asked first. A syncing one is cut over: the service
// catches up with the source, its sequences are set, the replication is
// removed on both sides and the service is left writable. One still copying
// is stopped short: it fails, and what was copied stays until a new attempt.
import { QueryProvider } from '@/components/providers';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { useStopMigration } from '@/lib/queries/migration';

interface Props {
  open: boolean;
  name: string;
  /** Syncing (a cut-over) or still copying (an abort). */
  cutOver: boolean;
  onClose: () => void;
  onStarted?: (operationId: string) => void;
}

export default function StopMigrationDialog(props: Props) {
  return (
    <QueryProvider>
      <Stop {...props} />
    </QueryProvider>
  );
}

function Stop({ open, name, cutOver, onClose, onStarted }: Props) {
  const stop = useStopMigration(name);
  const onConfirm = async () => onStarted?.((await stop.mutateAsync()).id);
  if (cutOver) {
    return (
      <ConfirmDialog open={open} onClose={onClose} title={`Stop and cut over to ${name}?`} confirmLabel="Stop and cut over" danger={false} onConfirm={onConfirm}>
        <p>
          Stop writing to the source first. The cut-over waits until {name} has every write the source made up to now, sets its
          sequences, and removes the replication on both sides: the subscription here and the replication slot on the source.
        </p>
        <p className="mt-2">Then {name} is writable and no longer follows the source; point your applications at it.</p>
      </ConfirmDialog>
    );
  }
  return (
    <ConfirmDialog open={open} onClose={onClose} title={`Stop the migration into ${name}?`} confirmLabel="Stop the migration" onConfirm={onConfirm}>
      The copy has not finished: stopping it now fails the migration. The databases copied so far stay as they are until a new
      migration replaces them, or you delete them.
    </ConfirmDialog>
  );
}
