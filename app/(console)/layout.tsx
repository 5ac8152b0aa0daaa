import Link from 'next/link';
import type { ReactNode } from 'react';
import { OperationsLiveRegion } from '@/components/operations/operations-live-region';
import { SessionProvider } from '@/components/session/session-context';
import { SignOutButton } from '@/components/session/sign-out-button';
import { HeaderMenu } from '@/components/shell/header-menu';
import { Badge } from '@/components/ui/badge';
import { upstreamExtensions } from '@/lib/server/extensions';
import { signedInPage } from '@/lib/server/page';

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const { session, upstream } = await signedInPage();
  const extensions = await upstreamExtensions(upstream, session.baseUrl);
  const info = { key: session.key, endpoint: session.endpointLabel, rights: session.rights, extensions };
  const readOnly = !info.rights.includes('write');
  return (
    <SessionProvider session={info}>
      <header className="border-b border-zinc-200 dark:border-zinc-800">
        <nav aria-label="Main" className="relative mx-auto flex max-w-6xl items-center gap-4 px-4 py-3">
          <Link href="/services" className="text-lg font-semibold">
            pgdeck
          </Link>
          <Link href="/services" className="text-sm text-zinc-600 hover:underline dark:text-zinc-300">
            Services
          </Link>
          {extensions.includes('activity') ? (
            <Link href="/activity" className="text-sm text-zinc-600 hover:underline dark:text-zinc-300">
              Activity
            </Link>
          ) : null}
          {/* behind a Menu button on a narrow screen */}
          <HeaderMenu>
            {/* the key id gives way (cut short) rather than widen the page */}
            <span className="flex max-w-full min-w-0 flex-wrap items-center gap-2 text-xs text-zinc-600 sm:flex-nowrap dark:text-zinc-400">
              {readOnly ? <Badge tone="amber">read-only key</Badge> : null}
              <span title="endpoint" className="shrink-0">
                {info.endpoint}
              </span>
              <span aria-hidden="true">·</span>
              <span title="API key" className="min-w-0 truncate font-mono">
                {info.key}
              </span>
            </span>
            <SignOutButton />
          </HeaderMenu>
        </nav>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
      <OperationsLiveRegion />
    </SessionProvider>
  );
}
