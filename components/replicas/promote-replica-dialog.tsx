'use client';
// "Promote to standalone" on a replica's page, asked first: the replica stops
// following its source for good. The operation goes to the tracker, which
// renders the page again when it ends (no banner then).
import { QueryProvider } from '@/components/providers';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { usePromoteReplica } from '@/lib/queries/replica-mutations';

interface Props {
  open: boolean;
  name: string;
  source: string;
  /** The integration's id. */
  integration: string;
  onClose: () => void;
}

export function PromoteReplicaDialog(props: Props) {
  return (
    <QueryProvider>
      <Promote {...props} />
    </QueryProvider>
  );
}

function Promote({ open, name, source, integration, onClose }: Props) {
  const promote = usePromoteReplica(name);
  return (
    <ConfirmDialog
      open={open}
      onClose={onClose}
      title={`Promote ${name} to standalone?`}
      confirmLabel="Promote to standalone"
      onConfirm={() => promote.mutateAsync(integration)}
    >
      <p>
        <span className="font-mono">{name}</span> stops following <span className="font-mono">{source}</span> for good: it becomes writable, keeps the
        data it has now, and gets its own backups and its own users, databases and pools. It cannot become a replica of {source} again;{' '}
        {source} itself is not changed.
      </p>
    </ConfirmDialog>
  );
}
