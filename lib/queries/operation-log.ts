// The operations the console follows, outside React: a mutation hands over
// the operation it was answered with, a pending one is polled until it ends,
// and the live region (components/operations) shows each. Kept at module
// level, so an operation started on one page is still followed on the next.
import type { Operation } from '@/lib/schemas/operation';
import { api } from './api';

export interface TrackedOperation {
  id: string;
  label: string;
  state: 'pending' | 'success' | 'failure' | 'error';
  message?: string;
}

/** How long an outcome stays on screen. */
const SHOWN_MS = 8000;

let items: readonly TrackedOperation[] = [];
const listeners = new Set<() => void>();

function set(next: readonly TrackedOperation[]): void {
  items = next;
  listeners.forEach((l) => l());
}

function put(item: TrackedOperation): void {
  set([...items.filter((x) => x.id !== item.id), item]);
  if (item.state !== 'pending') setTimeout(() => set(items.filter((x) => x !== item)), SHOWN_MS);
}

/** For useSyncExternalStore: the operations on screen, and word of every change. */
export const operationLog = {
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  snapshot: (): readonly TrackedOperation[] => items,
};

const ended = (op: Operation): TrackedOperation['state'] => (op.state === 'success' ? 'success' : 'failure');

/** Shows `op` and follows it until it ends; `settled` runs at once and again when it ends (to refresh what it changes). */
export function trackOperation(op: Operation, label: string, settled: () => void): void {
  settled();
  if (op.state !== 'pending') return put({ id: op.id, label, state: ended(op), message: op.message });
  put({ id: op.id, label, state: 'pending', message: op.message });
  const poll = (delay: number) =>
    setTimeout(async () => {
      try {
        const now = await api<Operation>('GET', `/operations/${op.id}`);
        if (now.state === 'pending') {
          // a long operation says where it is (an upgrade's step): shown as it changes
          if (now.message !== items.find((x) => x.id === op.id)?.message) put({ id: op.id, label, state: 'pending', message: now.message });
          return void poll(Math.min(delay * 1.5, 3000));
        }
        put({ id: op.id, label, state: ended(now), message: now.message });
        settled();
      } catch (err) {
        put({ id: op.id, label, state: 'error', message: (err as Error).message });
      }
    }, delay);
  poll(500);
}

/** Shows a failure that came as no operation: the request itself was refused. */
export function failOperation(label: string, error: unknown): void {
  put({ id: `${Date.now()}-${Math.random()}`, label, state: 'error', message: (error as Error | undefined)?.message });
}
