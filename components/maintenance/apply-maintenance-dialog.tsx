'use client';
// "Apply now" on the maintenance card: asked first, since the service may
// restart; the operation is handed back to the card, which follows it.
import { QueryProvider } from '@/components/providers';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { useApplyMaintenance } from '@/lib/queries/maintenance-mutations';

interface Props {
  open: boolean;
  name: string;
  /** How many updates are pending. */
  updates: number;
  onClose: () => void;
  onStarted: (operationId: string) => void;
}

export default function ApplyMaintenanceDialog(props: Props) {
  return (
    <QueryProvider>
      <Apply {...props} />
    </QueryProvider>
  );
}

function Apply({ open, name, updates, onClose, onStarted }: Props) {
  const apply = useApplyMaintenance(name);
  return (
    <ConfirmDialog
      open={open}
      onClose={onClose}
      title={`Apply maintenance to ${name} now?`}
      confirmLabel="Apply now"
      danger={false}
      onConfirm={async () => onStarted((await apply.mutateAsync()).id)}
    >
      {updates === 0
        ? 'No update is listed as pending: the service checks for updates and applies any it finds. '
        : `The ${updates === 1 ? 'pending update is' : `${updates} pending updates are`} applied now instead of in the window. `}
      Applying an update may restart PostgreSQL: connections are cut and writes are refused for a few seconds.
    </ConfirmDialog>
  );
}
