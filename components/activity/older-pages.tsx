'use client';
// Paging newest first through a cursor the engine answers (`next`, passed back as `before`), as the activity list
// and the settings history do: the first page comes from whoever shows it, older pages are appended, an entry on
// both a refreshed first page and an older one shows once.
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { ErrorText } from '@/components/ui/card';

export function useOlderPages<E extends { id: number }>(first: E[], firstNext: number | undefined, read: (before: number) => Promise<{ entries: E[]; next?: number }>) {
  const [older, setOlder] = useState<E[]>([]);
  const [next, setNext] = useState(firstNext);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const seen = new Set<number>();
  const entries = [...first, ...older].filter((e) => !seen.has(e.id) && seen.add(e.id));

  const loadOlder = async () => {
    if (next === undefined) return;
    setBusy(true);
    setError(null);
    try {
      const page = await read(next);
      setOlder((o) => [...o, ...page.entries]);
      setNext(page.next);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { entries, more: { next, busy, error, loadOlder } };
}

/** The "Load older" button while there is more, else what says there is none (`none`), with the last failure. */
export function LoadOlder({ more, shown, none }: { more: ReturnType<typeof useOlderPages>['more']; shown: number; none: string }) {
  return (
    <>
      <ErrorText error={more.error} />
      {more.next !== undefined ? (
        <Button variant="secondary" className="mt-3" onClick={() => void more.loadOlder()} disabled={more.busy} aria-busy={more.busy || undefined}>
          {more.busy ? 'Loading…' : 'Load older'}
        </Button>
      ) : shown > 0 ? (
        <p className="mt-3 text-xs text-zinc-500 dark:text-zinc-400">{none}</p>
      ) : null}
    </>
  );
}
