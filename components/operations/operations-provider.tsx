'use client';
// Tracks the operations mutations answer with: pending ones are polled until
// they finish, then the related queries are invalidated. Every outcome is
// shown in a live region (success confirmed, failure with its message).
import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { Operation } from '@/lib/schemas/operation';
import { api } from '@/lib/queries/api';

interface Tracked {
  id: string;
  label: string;
  state: 'pending' | 'success' | 'failure' | 'error';
  message?: string;
}

interface OperationsApi {
  /** Shows an outcome; polls a pending operation; invalidates `keys` when it ends. */
  track(op: Operation, label: string, keys: QueryKey[]): void;
  /** Shows an error that did not come as an operation (the request itself failed). */
  fail(label: string, error: unknown): void;
}

const Ctx = createContext<OperationsApi | null>(null);

export function useOperations(): OperationsApi {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('useOperations outside OperationsProvider');
  return ctx;
}

export function OperationsProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const [items, setItems] = useState<Tracked[]>([]);
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());

  const update = useCallback((id: string, patch: Partial<Tracked>) => {
    setItems((xs) => xs.map((x) => (x.id === id ? { ...x, ...patch } : x)));
    if (patch.state && patch.state !== 'pending') {
      const t = setTimeout(() => setItems((xs) => xs.filter((x) => x.id !== id)), 8000);
      timers.current.add(t);
    }
  }, []);

  const track = useCallback(
    (op: Operation, label: string, keys: QueryKey[]) => {
      const invalidate = () => keys.forEach((queryKey) => void qc.invalidateQueries({ queryKey }));
      setItems((xs) => [...xs.filter((x) => x.id !== op.id), { id: op.id, label, state: op.state === 'timeout' ? 'failure' : op.state, message: op.message }]);
      invalidate();
      if (op.state !== 'pending') {
        update(op.id, { state: op.state === 'success' ? 'success' : 'failure', message: op.message });
        return;
      }
      const poll = async (delay: number) => {
        const t = setTimeout(async () => {
          timers.current.delete(t);
          try {
            const now = await api<Operation>('GET', `/operations/${op.id}`);
            if (now.state === 'pending') return void poll(Math.min(delay * 1.5, 3000));
            update(op.id, { state: now.state === 'success' ? 'success' : 'failure', message: now.message });
            invalidate();
          } catch (err) {
            update(op.id, { state: 'error', message: (err as Error).message });
          }
        }, delay);
        timers.current.add(t);
      };
      void poll(500);
    },
    [qc, update],
  );

  const fail = useCallback(
    (label: string, error: unknown) => {
      const id = `${Date.now()}-${Math.random()}`;
      setItems((xs) => [...xs, { id, label, state: 'error', message: (error as Error)?.message }]);
      update(id, { state: 'error' });
    },
    [update],
  );

  useEffect(() => {
    const set = timers.current;
    return () => set.forEach(clearTimeout);
  }, []);

  return (
    <Ctx.Provider value={{ track, fail }}>
      {children}
      <div aria-live="polite" className="fixed right-4 bottom-4 z-50 flex w-80 flex-col gap-2">
        {items.map((x) => (
          <div
            key={x.id}
            role="status"
            data-state={x.state}
            className="rounded-md border border-zinc-200 bg-white p-3 text-sm shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
          >
            <p className="font-medium">
              {x.state === 'pending' ? '⏳ ' : x.state === 'success' ? '✓ ' : '✗ '}
              {x.label}
              {x.state === 'pending' ? ': in progress' : x.state === 'success' ? ': done' : ': failed'}
            </p>
            {x.message && x.state !== 'success' ? <p className="mt-1 text-red-600 dark:text-red-400">{x.message}</p> : null}
          </div>
        ))}
      </div>
    </Ctx.Provider>
  );
}
