'use client';
// A migration under way, read again while it lives: each database copying,
// syncing with its lag, done or failed; for one in sync, "Stop and cut over"
// behind a confirmation, then the final status. An attempt refused before it
// copied anything (the check run again found a problem) says why.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useCan } from '@/components/session/session-context';
import { Button } from '@/components/ui/button';
import { ErrorText } from '@/components/ui/card';
import { Spinner } from '@/components/ui/spinner';
import { isOfOperation, migrationActions, statusPollMs } from '@/lib/migration/status';
import { migrationQuery } from '@/lib/queries/migration';
import type { TrackedOperation } from '@/lib/queries/operation-log';
import { useTrackedOperations } from '@/lib/queries/operations';
import { MigrationStatusView } from './migration-status-view';
import StopMigrationDialog from './stop-migration-dialog';

/** The last state seen of an operation: the log lets go of an outcome after a while. */
function useLastSeen(id: string | null): TrackedOperation | undefined {
  const tracked = useTrackedOperations().find((o) => o.id === id);
  const [seen, setSeen] = useState<TrackedOperation | undefined>();
  if (tracked && tracked !== seen) setSeen(tracked);
  return id === null ? undefined : seen;
}

interface Props {
  name: string;
  /** The operation that started it, when this page started it. */
  operationId: string | null;
  onClose: () => void;
}

export function MigrationProgress({ name, operationId, onClose }: Props) {
  const canWrite = useCan('write');
  const start = useLastSeen(operationId);
  const [stopId, setStopId] = useState<string | null>(null);
  const stop = useLastSeen(stopId);
  const [asking, setAsking] = useState(false);
  const starting = operationId !== null && (start === undefined || start.state === 'pending');
  const { data: status, error } = useQuery({ ...migrationQuery(name), refetchInterval: (q) => (starting ? 2000 : statusPollMs(q.state.data?.status)) });
  // what the previous migration left is not this one's
  const [ours, setOurs] = useState(operationId === null);
  if (!ours && status && operationId && isOfOperation(status, operationId)) setOurs(true);
  const shown = ours ? status : null;
  const can = migrationActions(shown);

  return (
    <div className="space-y-4">
      <ErrorText error={error} />
      {shown ? <MigrationStatusView status={shown} /> : null}
      {!shown && start && start.state !== 'pending' && start.state !== 'success' ? (
        <div role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-900 dark:bg-red-900/30 dark:text-red-200">
          <p className="font-medium">The migration did not start.</p>
          <p className="mt-1 whitespace-pre-wrap">{start.message ?? 'No reason was given.'}</p>
        </div>
      ) : null}
      {!shown && !error && (starting || start?.state === 'success') ? (
        <p role="status" className="flex items-center gap-2 text-sm">
          <Spinner />
          Starting the migration…
        </p>
      ) : null}
      {starting && start?.message ? <p className="font-mono text-xs text-zinc-500 dark:text-zinc-400">{start.message}</p> : null}
      {stop?.state === 'pending' ? (
        <p role="status" className="flex items-center gap-2 text-sm">
          <Spinner />
          {can.cutOver ? `Cutting over: waiting for ${name} to catch up with the source…` : 'Stopping the migration…'}
        </p>
      ) : null}
      {stop && stop.state !== 'pending' && stop.state !== 'success' ? (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          The stop failed: {stop.message ?? 'no reason was given'}
        </p>
      ) : null}

      <div className="flex flex-wrap items-center justify-end gap-2">
        {shown && (can.cutOver || can.abort) ? <p className="mr-auto text-xs text-zinc-500 dark:text-zinc-400">It goes on if you close this.</p> : null}
        {canWrite && can.abort && stop?.state !== 'pending' ? (
          <Button variant="ghost-danger" onClick={() => setAsking(true)}>
            Stop the migration…
          </Button>
        ) : null}
        {canWrite && can.cutOver && stop?.state !== 'pending' ? <Button onClick={() => setAsking(true)}>Stop and cut over…</Button> : null}
        <Button variant="secondary" onClick={onClose}>
          Close
        </Button>
      </div>
      <StopMigrationDialog open={asking} name={name} cutOver={can.cutOver} onClose={() => setAsking(false)} onStarted={setStopId} />
    </div>
  );
}
