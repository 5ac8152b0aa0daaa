'use client';
// A connection URI whose user's password a key may reveal: dots where it goes until shown, shown in place on demand
// (fetched when asked, forgotten when hidden), copied with it (fetched for the copy, not kept). The connection card's
// URIs (the admin's) are the island of it; the Access tab's are for any user and database.
import { useCan } from '@/components/session/session-context';
import { Button } from '@/components/ui/button';
import { ErrorText } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import { fetchPassword, useRevealedPassword, type RevealedPassword } from '@/lib/queries/passwords';
import { withUriPassword } from '@/lib/schemas/redact';

export interface UriPassword {
  /** The key may reveal it (and there is a user). */
  canReveal: boolean;
  pw: RevealedPassword;
  /** The URI as shown: with the password once revealed, dots until then; as it is for a key that may not reveal. */
  display(uri: string): string;
  /** What Copy hands over: a working URI, with the password where the key may have it. */
  copyOf(uri: string): () => Promise<string>;
}

export function useUriPassword(name: string, user: string): UriPassword {
  const canReveal = useCan('reveal') && Boolean(user);
  const pw = useRevealedPassword(name, user);
  const revealed = pw.shown && pw.password !== undefined;
  return {
    canReveal,
    pw,
    display: (uri) => (!canReveal ? uri : revealed ? withUriPassword(uri, pw.password ?? '') : withUriPassword(uri, '').replace(/:@/, ':•••@')),
    copyOf: (uri) => async () => (canReveal ? withUriPassword(uri, await fetchPassword(name, user)) : uri),
  };
}

/** Show or hide the password, copy the URI; the reveal's error under them. */
export function UriPasswordActions({ uri, password }: { uri: string; password: UriPassword }) {
  const { canReveal, pw, copyOf } = password;
  return (
    <>
      <div className="mt-2 flex flex-wrap gap-2">
        {canReveal ? (
          <Button variant="secondary" onClick={pw.shown ? pw.hide : pw.reveal} aria-busy={pw.busy || undefined}>
            {pw.shown ? 'Hide password' : 'Show password'}
          </Button>
        ) : null}
        {uri ? <CopyButton value={copyOf(uri)} label="Copy URI" /> : null}
      </div>
      {pw.shown ? <ErrorText error={pw.error} /> : null}
    </>
  );
}

/** The service URI and the standbys' read-only URIs, with the admin's password on demand. */
export function ConnectionUris({ name, user, uri, standby }: { name: string; user: string; uri: string; standby: string[] }) {
  const password = useUriPassword(name, user);
  const { canReveal, display, copyOf } = password;
  return (
    <>
      <div>
        <h3 className="mb-1 text-xs text-zinc-500 dark:text-zinc-400">
          Service URI{canReveal ? '' : ' (without password)'}
        </h3>
        <code className="block rounded-md bg-zinc-100 p-2 font-mono text-xs break-all dark:bg-zinc-900">{display(uri) || '–'}</code>
        <UriPasswordActions uri={uri} password={password} />
      </div>

      {standby.length > 0 ? (
        <div>
          <h3 className="mb-1 text-xs text-zinc-500 dark:text-zinc-400">Read-only URIs (standbys)</h3>
          <ul className="space-y-2">
            {standby.map((u, i) => (
              <li key={u}>
                <code className="block rounded-md bg-zinc-100 p-2 font-mono text-xs break-all dark:bg-zinc-900">{display(u)}</code>
                <div className="mt-2 flex flex-wrap gap-2">
                  <CopyButton value={copyOf(u)} label="Copy" ariaLabel={`Copy read-only URI ${i + 1}`} />
                </div>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
}
