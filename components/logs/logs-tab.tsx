'use client';
// A service's logs: every line its PostgreSQL nodes and PgBouncer wrote, newest first (or oldest first), older
// pages loaded as the list scrolls (the API's offset), a live tail of new lines that can be paused, and filters by
// node, unit and text over the lines loaded. Opened from a notification's time (`around`), it loads pages back
// to that time, marks the lines of the ten seconds around it and scrolls to them, the tail paused.
import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Time } from '@/components/services/time';
import { Button } from '@/components/ui/button';
import { Card, ErrorText } from '@/components/ui/card';
import { Input, Select } from '@/components/ui/field';
import { api } from '@/lib/queries/api';
import { serviceKeys } from '@/lib/queries/keys';
import type { ServiceLogEntry, ServiceLogs } from '@/lib/schemas/logs';

const PAGE = 200;
/** How often the live tail asks for lines newer than the newest shown. */
const TAIL_MS = 2000;
/** Lines kept from the live tail before the oldest of them are let go (the pages below stay). */
const TAIL_MAX = 2000;
/** How far back pages are loaded to reach a notification's time, at most. */
const AROUND_PAGES = 50;
const AROUND_MS = 5000;
const muted = 'text-sm text-zinc-500 dark:text-zinc-400';

type Order = 'desc' | 'asc';
type Line = ServiceLogEntry & { key: string };

const page = (name: string, order: Order, offset?: string, limit = PAGE) =>
  api<ServiceLogs>('POST', `/services/${encodeURIComponent(name)}/logs`, { limit, 'sort-order': order, ...(offset ? { offset } : {}) });

export function LogsTab({ name, around }: { name: string; around?: string }) {
  const [order, setOrder] = useState<Order>('desc');
  const [paused, setPaused] = useState(Boolean(around));
  const [node, setNode] = useState('');
  const [unit, setUnit] = useState('');
  const [text, setText] = useState('');
  const [tail, setTail] = useState<Line[]>([]);

  const pages = useInfiniteQuery({
    queryKey: [...serviceKeys.detail(name), 'logs', order],
    queryFn: ({ pageParam }) => page(name, order, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.logs.length < PAGE ? undefined : last.offset),
    // the tail brings new lines; pages below are history and do not change
    staleTime: Infinity,
  });

  // what the newest first page started at: the tail asks for what came after it
  const newestOffset = useRef<string | undefined>(undefined);
  const firstPage = pages.data?.pages[0];
  useEffect(() => {
    setTail([]);
    newestOffset.current = order === 'desc' ? firstPage?.['first-log-offset'] ?? '0' : undefined;
  }, [firstPage, order]);

  useEffect(() => {
    if (order !== 'desc' || paused || !firstPage) return;
    let stopped = false;
    const timer = setInterval(async () => {
      const after = newestOffset.current;
      if (after === undefined) return;
      try {
        const fresh = await page(name, 'asc', after, 500);
        if (stopped || fresh.logs.length === 0) return;
        newestOffset.current = fresh.offset ?? after;
        const lines = fresh.logs.map((l, i) => ({ ...l, key: `t${after}-${i}` })).reverse();
        setTail((old) => [...lines, ...old].slice(0, TAIL_MAX));
      } catch {
        // the next tick tries again; the pages below stay
      }
    }, TAIL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [name, order, paused, firstPage]);

  const loaded: Line[] = useMemo(() => {
    const fromPages = (pages.data?.pages ?? []).flatMap((p, pi) => p.logs.map((l, i) => ({ ...l, key: `p${pi}-${i}-${p['first-log-offset']}` })));
    return order === 'desc' ? [...tail, ...fromPages] : fromPages;
  }, [pages.data, tail, order]);

  const nodes = useMemo(() => [...new Set(loaded.map((l) => l.node))].sort(), [loaded]);
  const needle = text.trim().toLowerCase();
  const shown = loaded.filter((l) => (!node || l.node === node) && (!unit || l.unit === unit) && (!needle || l.message.toLowerCase().includes(needle)));

  // older (or, oldest first, newer) pages as the end of the list comes into view
  const end = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = pages;
  useEffect(() => {
    const el = end.current;
    if (!el || !hasNextPage) return;
    const seen = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
    });
    seen.observe(el);
    return () => seen.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  // opened from a notification: older pages until one reaches its time, then its lines marked and shown
  const at = around ? Date.parse(around) : Number.NaN;
  const marked = (l: Line) => !Number.isNaN(at) && Math.abs(Date.parse(l.time) - at) <= AROUND_MS;
  const oldestLoaded = loaded.at(-1);
  const reached = Number.isNaN(at) || order !== 'desc' || !hasNextPage || (oldestLoaded !== undefined && Date.parse(oldestLoaded.time) < at - AROUND_MS)
    || (pages.data?.pages.length ?? 0) >= AROUND_PAGES;
  useEffect(() => {
    if (!reached && pages.data && !isFetchingNextPage) void fetchNextPage();
  }, [reached, pages.data, isFetchingNextPage, fetchNextPage]);
  const scrolled = useRef(false);
  useEffect(() => {
    if (scrolled.current || !reached || Number.isNaN(at)) return;
    const first = document.querySelector('[data-around="true"]');
    if (first) {
      scrolled.current = true;
      first.scrollIntoView({ block: 'center' });
    }
  }, [reached, at, loaded]);

  return (
    <Card
      title="Logs"
      actions={
        order === 'desc' ? (
          <Button variant="secondary" onClick={() => setPaused((p) => !p)} aria-pressed={paused}>
            {paused ? 'Resume live tail' : 'Pause live tail'}
          </Button>
        ) : null
      }
    >
      <div className="mb-3 grid grid-cols-1 gap-2 sm:grid-cols-4">
        <label className="text-sm">
          <span className="mb-1 block font-medium">Order</span>
          <Select value={order} onChange={(e) => setOrder(e.target.value as Order)}>
            <option value="desc">Newest first</option>
            <option value="asc">Oldest first</option>
          </Select>
        </label>
        <label className="text-sm">
          <span className="mb-1 block font-medium">Node</span>
          <Select value={node} onChange={(e) => setNode(e.target.value)}>
            <option value="">All nodes</option>
            {nodes.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </Select>
        </label>
        <label className="text-sm">
          <span className="mb-1 block font-medium">Unit</span>
          <Select value={unit} onChange={(e) => setUnit(e.target.value)}>
            <option value="">PostgreSQL and PgBouncer</option>
            <option value="postgresql">PostgreSQL</option>
            <option value="pgbouncer">PgBouncer</option>
          </Select>
        </label>
        <label className="text-sm">
          <span className="mb-1 block font-medium">Text</span>
          <Input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Filter the lines loaded" />
        </label>
      </div>
      {!Number.isNaN(at) ? (
        <p className={`${muted} mb-2`}>
          Marked: the lines within {AROUND_MS / 1000} s of <Time at={at} precision="second" />
          {reached ? '' : ' (loading back to it…)'}.
        </p>
      ) : null}
      <ErrorText error={pages.error} />
      {pages.isPending ? (
        <p aria-busy="true" className={muted}>
          Loading logs…
        </p>
      ) : null}
      <p className={muted} aria-live="polite">
        {order === 'desc' ? (paused ? 'Live tail paused. ' : 'Live: new lines appear at the top. ') : ''}
        {shown.length === loaded.length ? `${loaded.length} lines loaded.` : `${shown.length} of ${loaded.length} lines loaded match.`}
      </p>
      {pages.data && loaded.length === 0 ? <p className={muted}>Nothing logged yet.</p> : null}
      <ol aria-label={`Log lines of ${name}`} className="mt-2 divide-y divide-zinc-100 font-mono text-xs dark:divide-zinc-800/70">
        {shown.map((l) => (
          <li key={l.key} className={marked(l) ? 'bg-amber-50 py-1.5 dark:bg-amber-950/40' : 'py-1.5'} data-around={marked(l) ? 'true' : undefined}>
            <div className="flex flex-wrap gap-x-3 text-zinc-500 dark:text-zinc-400">
              <Time at={l.time} precision="millisecond" />
              <span>{l.node}</span>
              <span>{l.unit}</span>
            </div>
            <pre className="break-words whitespace-pre-wrap text-zinc-900 dark:text-zinc-100">{l.message}</pre>
          </li>
        ))}
      </ol>
      <div ref={end} />
      {hasNextPage ? (
        <Button variant="secondary" className="mt-3" onClick={() => void fetchNextPage()} disabled={isFetchingNextPage}>
          {isFetchingNextPage ? 'Loading…' : order === 'desc' ? 'Load older lines' : 'Load newer lines'}
        </Button>
      ) : pages.data && loaded.length > 0 ? (
        <p className={`${muted} mt-3`}>{order === 'desc' ? 'The oldest line kept is above.' : 'The newest line is above.'}</p>
      ) : null}
    </Card>
  );
}

// the service page loads it lazily, as its default export
export default LogsTab;
