'use client';
// A list of activity entries, newest first, with "Load older" paging (older-pages.tsx). The first page comes from
// whoever shows it (the page's server render, the tab's query); older pages are appended.
import { KeyRound } from 'lucide-react';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Time } from '@/components/services/time';
import type { DescribedEntry, DescribedPage } from '@/lib/activity/describe';
import { api } from '@/lib/queries/api';
import type { ActivityRequest } from '@/lib/schemas/activity';
import { LoadOlder, useOlderPages } from './older-pages';

const muted = 'text-zinc-500 dark:text-zinc-400';

function Body({ e }: { e: DescribedEntry }) {
  if (!('body' in e)) return <p className={muted}>Request bodies are not shown to read-only keys.</p>;
  if (e.body === null || e.body === undefined) return <p className={muted}>No request body.</p>;
  return (
    // focusable: a long body scrolls, by keyboard too
    <pre tabIndex={0} className="max-h-80 overflow-auto rounded-md bg-zinc-100 p-2 font-mono text-xs dark:bg-zinc-900">{JSON.stringify(e.body, null, 2)}</pre>
  );
}

function Entry({ e, showService }: { e: DescribedEntry; showService: boolean }) {
  const { what, outcome } = e;
  return (
    <li className="py-3">
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <span className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs dark:bg-zinc-800">{e.method}</span>
        <span className="font-medium break-words" title={e.route}>
          {what}
        </span>
        <Badge tone={outcome.tone}>{outcome.text}</Badge>
      </div>
      <p className={`mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm ${muted}`}>
        <span className="inline-flex min-w-0 items-center gap-1 text-zinc-700 dark:text-zinc-300">
          <KeyRound aria-hidden className="size-3.5 shrink-0" />
          <span className="sr-only">by</span>
          <span className="break-all">{e.key.name}</span>
          <span className={`text-xs ${muted}`}>({e.key.role})</span>
        </span>
        <Time at={e.time} precision="second" />
        {showService && e.service ? (
          <Link href={`/services/${encodeURIComponent(e.service)}`} className="text-blue-700 hover:underline dark:text-blue-400">
            <span className="sr-only">service </span>
            {e.service}
          </Link>
        ) : null}
      </p>
      <details className="mt-1 text-sm">
        <summary className="cursor-pointer text-blue-700 hover:underline dark:text-blue-400">
          Request details<span className="sr-only">: {what}</span>
        </summary>
        <dl className="mt-2 grid grid-cols-[max-content_minmax(0,1fr)] gap-x-3 gap-y-1">
          <dt className={muted}>Route</dt>
          <dd className="font-mono text-xs leading-5 break-all">{e.route}</dd>
          <dt className={muted}>Path</dt>
          <dd className="font-mono text-xs leading-5 break-all">{e.path}</dd>
          <dt className={muted}>Client</dt>
          <dd className="font-mono text-xs leading-5 break-all">{e.client}</dd>
          <dt className={muted}>Operation</dt>
          <dd className="font-mono text-xs leading-5 break-all">
            {e.operation ? `${e.operation.id}${e.operation.command ? ` (${e.operation.command})` : ''}: ${e.operation.state ?? 'unknown'}` : '–'}
          </dd>
        </dl>
        <div className="mt-2">
          <Body e={e} />
        </div>
      </details>
    </li>
  );
}

export function ActivityFeed({ first, request, showService }: { first: DescribedPage; request: ActivityRequest; showService: boolean }) {
  const { entries, more } = useOlderPages(first.activity, first.next, async (before) => {
    const page = await api<DescribedPage>('POST', '/activity', { ...request, before });
    return { entries: page.activity, next: page.next };
  });

  return (
    <div>
      {entries.length === 0 ? (
        <p className={`text-sm ${muted}`}>No activity{request.key || request.since || request.until || (showService && request.service) ? ' matches these filters' : ' yet'}.</p>
      ) : (
        <ol aria-label="Activity, newest first" className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
          {entries.map((e) => (
            <Entry key={e.id} e={e} showService={showService} />
          ))}
        </ol>
      )}
      <LoadOlder more={more} shown={entries.length} none="No older activity." />
    </div>
  );
}
