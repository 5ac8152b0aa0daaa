'use client';
// A user's password, hidden until asked for: "Reveal" fetches it (never from
// the service query), "Hide" forgets it, so it is kept in memory only while
// it is on screen.
import { useCan } from '@/components/session/session-context';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { Input } from '@/components/ui/field';
import { useRevealedPassword } from '@/lib/queries/passwords';

export function PasswordCell({ name, username }: { name: string; username: string }) {
  const canReveal = useCan('reveal');
  const { shown, password, error, busy, reveal, hide } = useRevealedPassword(name, username);

  if (!canReveal) {
    return (
      <span className="text-zinc-500 dark:text-zinc-400" title="Your key cannot reveal passwords">
        <span aria-hidden>••••••••</span>
        <span className="sr-only">hidden</span>
      </span>
    );
  }

  if (shown && password !== undefined) {
    return (
      <div role="group" aria-label={`Password of ${username}`} className="flex items-center gap-2">
        <div className="w-60 shrink-0">
          <Input
            readOnly
            value={password}
            aria-label={`Password of ${username}`}
            spellCheck={false}
            className="font-mono"
            onFocus={(e) => e.currentTarget.select()}
          />
        </div>
        <CopyButton value={password} ariaLabel={`Copy password of ${username}`} />
        <Button variant="ghost" aria-label={`Hide password of ${username}`} onClick={hide}>
          Hide
        </Button>
      </div>
    );
  }

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
        onClick={reveal}
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
