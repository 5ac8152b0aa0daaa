// A service's metrics as the API answers them. The shape is Aiven's service
// metrics, which Exoscale's POST /v2/dbaas-service-metrics passes on: named
// series, each `{data: {cols: [{label: 'time', type: 'date'}, {label:
// '<node> (master)', type: 'number'}...], rows: [[time, value...]...]}, hints:
// {title}}`, rows oldest first. Seen in the Exoscale check of Datadog's
// integrations (rjocoleman/integrations-extras, exoscale/tests/conftest.py and
// datadog_checks/exoscale/check.py) and an Exoscale DBaaS Prometheus exporter
// that reads `rows[-1]` as the latest value. Series names follow theirs where the
// meaning is the same (cpu_usage, mem_usage, mem_available, disk_usage, load_average);
// the others are named for what they hold. Times are ISO 8601 with a Z.
import type { MetricSeries, ServiceMetrics } from '@/lib/schemas/metrics';
import { METRICS, type Metric, type Period } from '../store/metrics';
import type { Engine } from './engine';
import { requireService } from './lookup';

const HINTS: Record<Metric, MetricSeries['hints']> = {
  cpu_usage: { title: 'CPU usage % (of the plan\'s CPUs)', unit: '%' },
  mem_usage: { title: 'Memory usage % (of the plan\'s memory)', unit: '%' },
  mem_available: { title: 'Memory available %', unit: '%' },
  disk_usage: { title: 'Disk space usage % (of the plan\'s disk)', unit: '%' },
  disk_used: { title: 'Disk space used (data, WAL, backups)', unit: 'bytes' },
  diskio_read_bytes: { title: 'Disk reads (bytes/s)', unit: 'bytes/s' },
  diskio_write_bytes: { title: 'Disk writes (bytes/s)', unit: 'bytes/s' },
  load_average: { title: 'Load average (5 min)' },
  pg_connections: { title: 'Connections', unit: 'connections' },
  pg_connections_usage: { title: 'Connections % of max_connections', unit: '%' },
  pg_tps: { title: 'Transactions per second', unit: 'transactions/s' },
  pg_cache_hit_ratio: { title: 'Cache hit ratio %', unit: '%' },
  pgbouncer_client_connections: { title: 'PgBouncer client connections', unit: 'connections' },
  pgbouncer_server_connections: { title: 'PgBouncer server connections', unit: 'connections' },
  pgbouncer_waiting_clients: { title: 'PgBouncer clients waiting', unit: 'connections' },
  replication_lag_bytes: { title: 'Replication lag (bytes)', unit: 'bytes' },
  replication_lag_seconds: { title: 'Replication lag (seconds)', unit: 's' },
  wal_archive_lag_bytes: { title: 'WAL not yet archived (bytes)', unit: 'bytes' },
};

const iso = (t: number) => new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Every series that has a value in the period; one column per node (or PgBouncer) that had one. */
export function serviceMetrics(engine: Engine, name: string, period: Period = 'hour'): ServiceMetrics {
  const svc = requireService(engine, name);
  const stored = engine.metrics.read(svc.id, period);
  const metrics: ServiceMetrics['metrics'] = {};
  for (const metric of METRICS) {
    const columns = [...new Set(stored.filter((r) => r.values[metric] !== undefined).map((r) => r.column))].sort();
    if (!columns.length) continue;
    const byTime = new Map<number, (number | null)[]>();
    for (const r of stored) {
      const value = r.values[metric];
      if (value === undefined) continue;
      let row = byTime.get(r.t);
      if (!row) byTime.set(r.t, (row = columns.map(() => null)));
      row[columns.indexOf(r.column)] = value;
    }
    metrics[metric] = {
      data: {
        cols: [{ label: 'time', type: 'date' }, ...columns.map((label) => ({ label, type: 'number' as const }))],
        rows: [...byTime].map(([t, values]) => [iso(t), ...values]),
      },
      hints: HINTS[metric],
    };
  }
  return { metrics };
}
