'use client';
// A user's password, hidden until asked for: "Reveal" fetches it (never from
// the service query), "Hide" drops it from the cache, so it is kept in memory
// only while it is on screen.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useCan } from '@/components/session/session-context';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { Input } from '@/components/ui/field';
import { passwordQuery } from '@/lib/queries/passwords';

export function PasswordCell({ name, username }: { name: string; username: string }) {
  const canReveal = useCan('reveal');
  const qc = useQueryClient();
  const [shown, setShown] = useState(false);
  const viewer = useId();
  const query = passwordQuery(name, username, viewer);
  const { data, error, isFetching, refetch } = useQuery({ ...query, enabled: shown && canReveal });

  if (!canReveal) {
    return (
      <span className="text-zinc-500 dark:text-zinc-400" title="Your key cannot reveal passwords">
        <span aria-hidden>••••••••</span>
        <span className="sr-only">hidden</span>
      </span>
    );
  }

  const hide = () => {
    setShown(false);
    qc.removeQueries({ queryKey: query.queryKey, exact: true });
  };

  if (shown && data !== undefined) {
    return (
      <div role="group" aria-label={`Password of ${username}`} className="flex items-center gap-2">
        <div className="w-60 shrink-0">
          <Input
            readOnly
            value={data}
            aria-label={`Password of ${username}`}
            spellCheck={false}
            className="font-mono"
            onFocus={(e) => e.currentTarget.select()}
          />
        </div>
        <CopyButton value={data} ariaLabel={`Copy password of ${username}`} />
        <Button variant="ghost" aria-label={`Hide password of ${username}`} onClick={hide}>
          Hide
        </Button>
      </div>
    );
  }

  const busy = shown && isFetching;
  return (
    <div className="flex items-center gap-2">
      <span aria-hidden className="text-zinc-400 dark:text-zinc-500">
        ••••••••
      </span>
      <Button
        variant="secondary"
        aria-label={`Reveal password of ${username}`}
        disabled={busy}
        aria-busy={busy || undefined}
        onClick={() => (shown ? void refetch() : setShown(true))}
      >
        {busy ? 'Revealing…' : 'Reveal'}
      </Button>
      {shown && error ? (
        <span role="alert" className="text-xs text-red-600 dark:text-red-400">
          {error.message}
        </span>
      ) : null}
    </div>
  );
}
