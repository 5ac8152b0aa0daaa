'use client';
// A service's metrics: a chart per series for the chosen period, refreshed every 10 s for the last hour and every
// minute for longer periods. Loaded when the tab opens, with uPlot (about 20 kB gzipped), out of every page's
// first load.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Card, ErrorText } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { api } from '@/lib/queries/api';
import { serviceKeys } from '@/lib/queries/keys';
import { metricsPeriods, type ServiceMetrics } from '@/lib/schemas/metrics';
import { MetricChart } from './metric-chart';

type Period = (typeof metricsPeriods)[number];
const muted = 'text-sm text-zinc-500 dark:text-zinc-400';
const labels: Record<Period, string> = { hour: 'Hour', day: 'Day', week: 'Week', month: 'Month', year: 'Year' };

/** The series people look at first, first; the others after, by name. */
const FIRST = ['cpu_usage', 'mem_usage', 'disk_usage', 'pg_connections', 'pg_tps', 'pg_cache_hit_ratio', 'replication_lag_seconds', 'load_average'];
const rank = (k: string) => (FIRST.includes(k) ? FIRST.indexOf(k) : FIRST.length);

export function MetricsTab({ name }: { name: string }) {
  const [period, setPeriod] = useState<Period>('hour');
  const { data, error, isPending } = useQuery({
    queryKey: [...serviceKeys.detail(name), 'metrics', period],
    queryFn: () => api<ServiceMetrics>('POST', `/services/${encodeURIComponent(name)}/metrics`, { period }),
    refetchInterval: period === 'hour' ? 10_000 : 60_000,
  });
  const entries = Object.entries(data?.metrics ?? {})
    .filter(([, s]) => s.data.rows.length > 0)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));

  return (
    <Card
      title="Metrics"
      actions={
        <div role="group" aria-label="Period" className="flex overflow-x-auto rounded-md border border-zinc-300 dark:border-zinc-700">
          {metricsPeriods.map((p) => (
            <button
              key={p}
              type="button"
              aria-pressed={p === period}
              onClick={() => setPeriod(p)}
              className={cn(
                'px-2.5 py-1 text-sm focus-visible:outline-2 focus-visible:outline-blue-500',
                p === period ? 'bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900' : 'hover:bg-zinc-100 dark:hover:bg-zinc-800',
              )}
            >
              {labels[p]}
            </button>
          ))}
        </div>
      }
    >
      <ErrorText error={error} />
      {isPending ? (
        <p aria-busy="true" className={muted}>
          Loading metrics…
        </p>
      ) : null}
      {data && entries.length === 0 ? <p className={muted}>No sample yet: the first ones arrive within seconds of the service running.</p> : null}
      <div className="grid grid-cols-1 gap-3 lg:grid-cols-2">
        {entries.map(([key, series]) => (
          <MetricChart key={key} id={`metric-${key}`} series={series} />
        ))}
      </div>
    </Card>
  );
}

// the service page loads it lazily, as its default export
export default MetricsTab;
