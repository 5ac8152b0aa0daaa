'use client';
// A service's top statements (pg_stat_statements, through the upstream's /v2/pgdeck extension): a table sorted
// by total time, mean time, calls or rows, the order changed from the column headers, refreshed while open.
import { useQuery } from '@tanstack/react-query';
import { ArrowDown } from 'lucide-react';
import { useState } from 'react';
import { Time } from '@/components/services/time';
import { Card, ErrorText } from '@/components/ui/card';
import { Select } from '@/components/ui/field';
import { api } from '@/lib/queries/api';
import { serviceKeys } from '@/lib/queries/keys';
import { QUERY_STATS_ORDERS, type QueryStats } from '@/lib/schemas/query-stats';

type Order = (typeof QUERY_STATS_ORDERS)[number];
const muted = 'text-sm text-zinc-500 dark:text-zinc-400';
const REFRESH_MS = 10_000;

const columns: { order?: Order; label: string; numeric?: boolean }[] = [
  { label: 'Statement' },
  { order: 'calls', label: 'Calls', numeric: true },
  { order: 'total-time', label: 'Total ms', numeric: true },
  { order: 'mean-time', label: 'Mean ms', numeric: true },
  { order: 'rows', label: 'Rows', numeric: true },
  { label: 'Cache hits', numeric: true },
];

const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export function QueriesTab({ name }: { name: string }) {
  const [order, setOrder] = useState<Order>('total-time');
  const [limit, setLimit] = useState(20);
  const { data, error, isPending } = useQuery({
    queryKey: [...serviceKeys.detail(name), 'query-statistics', order, limit],
    queryFn: () => api<QueryStats>('POST', `/services/${encodeURIComponent(name)}/query-statistics`, { 'order-by': order, limit }),
    refetchInterval: REFRESH_MS,
  });
  const stats = data?.['query-statistics'] ?? [];

  return (
    <Card
      title="Top statements"
      actions={
        <label className="flex items-center gap-2 text-sm">
          <span>Show</span>
          <Select value={String(limit)} onChange={(e) => setLimit(Number(e.target.value))} className="w-20">
            {[20, 50, 100].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </Select>
        </label>
      }
    >
      <p className={`${muted} mb-2`}>
        From pg_stat_statements, normalised (constants become $1, $2…), the engine&apos;s own statements left out
        {data?.since ? (
          <>
            ; counted since <Time at={data.since} />
          </>
        ) : null}
        .
      </p>
      <ErrorText error={error} />
      {isPending ? (
        <p aria-busy="true" className={muted}>
          Loading statements…
        </p>
      ) : null}
      {data && stats.length === 0 ? <p className={muted}>No statement recorded yet.</p> : null}
      {stats.length > 0 ? (
        <div className="relative overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Top statements of {name}, by {order}</caption>
            <thead className="border-b border-zinc-200 text-xs text-zinc-500 uppercase dark:border-zinc-800 dark:text-zinc-400">
              <tr>
                {columns.map((c) => (
                  <th
                    key={c.label}
                    scope="col"
                    className={`py-2 pr-3 ${c.numeric ? 'text-right' : ''}`}
                    aria-sort={c.order === order ? 'descending' : c.order ? 'none' : undefined}
                  >
                    {c.order ? (
                      <button type="button" className="inline-flex items-center gap-0.5 uppercase hover:underline" onClick={() => setOrder(c.order as Order)}>
                        {c.label}
                        {c.order === order ? <ArrowDown className="h-3 w-3" /> : null}
                      </button>
                    ) : (
                      c.label
                    )}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {stats.map((s, i) => (
                <tr key={`${i}-${s.query}`} className="border-b border-zinc-100 align-top dark:border-zinc-800/70">
                  <td className="max-w-md py-2 pr-3">
                    <code className="line-clamp-3 font-mono text-xs break-all whitespace-pre-wrap" title={s.query}>
                      {s.query}
                    </code>
                    <span className="text-xs text-zinc-500 dark:text-zinc-400">
                      {s.user ?? '?'} on {s.database ?? '?'}
                    </span>
                  </td>
                  <td className="pr-3 text-right tabular-nums">{number.format(s.calls)}</td>
                  <td className="pr-3 text-right tabular-nums">{number.format(s['total-time-ms'])}</td>
                  <td className="pr-3 text-right tabular-nums">{number.format(s['mean-time-ms'])}</td>
                  <td className="pr-3 text-right tabular-nums">{number.format(s.rows)}</td>
                  <td className="text-right tabular-nums">{s['cache-hit-ratio'] === null ? '–' : `${number.format(s['cache-hit-ratio'] * 100)} %`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Card>
  );
}

// the service page loads it lazily, as its default export
export default QueriesTab;
