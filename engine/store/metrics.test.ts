import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MetricsStore, RESOLUTIONS } from './metrics';

let dir: string;
let store: MetricsStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgdeck-metrics-'));
  store = MetricsStore.open(join(dir, 'metrics.db'));
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

// 2026-01-01T00:00:00Z: the start of a bucket of every resolution
const T0 = Date.UTC(2026, 0, 1) / 1000;

describe('metrics store', () => {
  it('is readable by the engine only', () => {
    expect(statSync(join(dir, 'metrics.db')).mode & 0o777).toBe(0o600);
  });

  it('answers hour with the raw samples and the coarser periods with their means, per column and series', () => {
    // 90 s of samples every 10 s: two one-minute buckets, one bucket of every coarser resolution
    const cpu = [10, 20, 30, 40, 50, 60, 70, 80, 90];
    cpu.forEach((x, i) => {
      const values = { cpu_usage: x, ...(i % 2 ? {} : { pg_tps: 100 }) };
      store.write('svc', T0 + i * 10, [{ column: 'n-1 (master)', values }, { column: 'pgbouncer', values: { pgbouncer_client_connections: i } }]);
    });
    const now = T0 + 100;
    const hour = store.read('svc', 'hour', now);
    expect(hour.filter((r) => r.column === 'n-1 (master)').map((r) => r.values.cpu_usage)).toEqual(cpu);

    const day = store.read('svc', 'day', now).filter((r) => r.column === 'n-1 (master)');
    expect(day.map((r) => r.t)).toEqual([T0, T0 + 60]);
    expect(day[0]?.values.cpu_usage).toBeCloseTo(35, 9); // 10..60
    expect(day[1]?.values.cpu_usage).toBeCloseTo(80, 9); // 70..90
    // a series averages the samples that had it
    expect(day[0]?.values.pg_tps).toBe(100);

    for (const period of ['week', 'month', 'year'] as const) {
      const rows = store.read('svc', period, now);
      expect(rows.map((r) => r.column).sort()).toEqual(['n-1 (master)', 'pgbouncer']);
      expect(rows.find((r) => r.column === 'n-1 (master)')?.values.cpu_usage).toBeCloseTo(50, 9);
      expect(rows.find((r) => r.column === 'pgbouncer')?.values.pgbouncer_client_connections).toBeCloseTo(4, 9);
    }
  });

  it('keeps each resolution for its period only, and drops a deleted service', () => {
    store.write('old', T0, [{ column: 'a', values: { load_average: 1 } }]);
    store.write('gone', T0, [{ column: 'a', values: { load_average: 1 } }]);
    const later = T0 + 2 * 86_400;
    store.prune(new Set(['old']), later);
    expect(store.read('old', 'hour', T0 + 10)).toEqual([]);
    expect(store.read('old', 'day', T0 + 10)).toEqual([]);
    expect(store.read('old', 'week', later)).toHaveLength(1);
    expect(store.read('gone', 'year', T0 + 10)).toEqual([]);
    expect(RESOLUTIONS.year.keep).toBeGreaterThanOrEqual(365 * 86_400);
  });

  it('keeps samples across a reopen', () => {
    store.write('svc', T0, [{ column: 'a', values: { disk_used: 5 } }]);
    store.close();
    store = MetricsStore.open(join(dir, 'metrics.db'));
    expect(store.read('svc', 'year', T0 + 10)[0]?.values).toEqual({ disk_used: 5 });
  });
});
