'use client';
// An instant as the console shows it (lib/time.ts): in the reader's time zone,
// named, with UTC on hover. The server knows no reader's zone, so its render,
// and the hydration of it, show UTC; the browser's zone follows at once after
// (useSyncExternalStore's server snapshot: no hydration mismatch). What the
// browser renders on its own shows the zone from the start.
import { useSyncExternalStore } from 'react';
import { formatUtc, formatZoned, toDate, type TimePrecision } from '@/lib/time';

const subscribe = () => () => undefined;

export function Time({ at, precision, className }: { at: unknown; precision?: TimePrecision; className?: string }) {
  const inBrowser = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  const d = toDate(at);
  if (!d) return <span className={className}>–</span>;
  const utc = formatUtc(d, precision);
  return (
    <time dateTime={d.toISOString()} title={utc} className={className}>
      {inBrowser ? formatZoned(d, precision) : utc}
    </time>
  );
}
