'use client';
// A pool's connection URI: shown without its password, copyable, and, for keys
// that may reveal, with the pool user's password revealed on demand through the
// same reveal as the users tab (fetched when asked, forgotten when hidden).
import { useCan } from '@/components/session/session-context';
import { Button } from '@/components/ui/button';
import { ErrorText } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import { useRevealedPassword } from '@/lib/queries/passwords';
import { withUriPassword } from '@/lib/schemas/redact';
import type { ConnectionPool } from '@/lib/schemas/pool';

/** The user a URI connects as, if it names one. */
export function uriUser(uri: string): string {
  try {
    return decodeURIComponent(new URL(uri).username);
  } catch {
    return '';
  }
}

export function PoolUri({ name, pool }: { name: string; pool: ConnectionPool }) {
  const bare = pool['connection-uri'];
  const user = uriUser(bare);
  const canReveal = useCan('reveal') && Boolean(user);
  const pw = useRevealedPassword(name, user);
  const revealed = pw.shown;
  const full = revealed && pw.password !== undefined ? withUriPassword(bare, pw.password) : null;

  return (
    <div role="group" aria-label={`Connection URI of pool ${pool.name}`} className="min-w-64 space-y-1">
      <code className="block rounded-md bg-zinc-100 px-2 py-1 font-mono text-xs break-all dark:bg-zinc-900">
        {full ?? bare}
      </code>
      <div className="flex flex-wrap gap-1">
        <CopyButton value={full ?? bare} label="Copy" ariaLabel={`Copy connection URI of pool ${pool.name}${full ? ' with password' : ''}`} />
        {canReveal ? (
          <Button
            variant="ghost"
            onClick={revealed ? pw.hide : pw.reveal}
            aria-label={`${revealed ? 'Hide' : 'Reveal'} password in connection URI of pool ${pool.name}`}
            aria-busy={pw.busy || undefined}
          >
            {revealed ? 'Hide password' : 'Reveal password'}
          </Button>
        ) : null}
      </div>
      {revealed ? <ErrorText error={pw.error} /> : null}
    </div>
  );
}
