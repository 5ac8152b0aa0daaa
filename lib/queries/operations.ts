// Following operations from React: mutations track what they were answered
// with, refreshing on each end the queries they name and the server-rendered
// page; the live region reads what is on screen.
import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useMemo, useSyncExternalStore } from 'react';
import type { Operation } from '@/lib/schemas/operation';
import { failOperation, operationLog, trackOperation, type TrackedOperation } from './operation-log';

export interface OperationTracker {
  /** Shows `op`, polls it while pending, and when it ends refreshes `keys`, the page, and whatever `then` does. */
  track(op: Operation, label: string, keys: QueryKey[], then?: () => void): void;
  /** Shows an error that did not come as an operation (the request itself failed). */
  fail(label: string, error: unknown): void;
}

export function useOperationTracker(): OperationTracker {
  const qc = useQueryClient();
  const router = useRouter();
  return useMemo(
    () => ({
      track: (op, label, keys, then) =>
        trackOperation(op, label, () => {
          keys.forEach((queryKey) => void qc.invalidateQueries({ queryKey }));
          // what the server rendered (the service's header, the list) changes too
          router.refresh();
          then?.();
        }),
      fail: failOperation,
    }),
    [qc, router],
  );
}

const none: readonly TrackedOperation[] = [];

/** The operations on screen, newest last. */
export const useTrackedOperations = () => useSyncExternalStore(operationLog.subscribe, operationLog.snapshot, () => none);
