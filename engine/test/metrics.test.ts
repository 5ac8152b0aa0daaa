// Metrics (issue 14): sampled every second here from the real processes and
// servers, under a real pgbench load, answered in Aiven's shape for each period.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceMetrics } from '@/lib/schemas/metrics';
import type { Operation } from '@/lib/schemas/operation';
import type { ServicePg } from '@/lib/schemas/service';
import { RESOLUTIONS } from '../store/metrics';
import { sleep } from './engine-process';
import { Fixtures } from './fixtures';
import type { TestEngine } from './harness';

const PGBENCH = '/usr/lib/postgresql/15/bin/pgbench';
const MASTER = 'metered-1 (master)';

const f = new Fixtures();
let t: TestEngine;
let svc: ServicePg;

beforeAll(async () => {
  process.env.PGDECK_METRICS_INTERVAL = '1';
  t = await f.engineOn();
  // once, before any pgbench: two started together would each truncate it under the other's read
  writeFileSync(join(t.dataDir, 'ca.pem'), t.engine.ca.cert);
  // a master and a standby: the standby's lag is a series of the master's
  svc = await t.createService('metered', { version: '16', plan: 'business-4' });
  const pool = await t.call<Operation>('POST', '/dbaas-postgres/metered/connection-pool', { name: 'web', 'database-name': 'defaultdb' });
  expect((await t.waitOperation(pool.body.id)).state).toBe('success');
}, 120_000);
afterAll(() => f.cleanup(), 300_000);

const metrics = async (period?: string) => {
  const res = await t.call<ServiceMetrics>('POST', '/dbaas-service-metrics/metered', period ? { period } : {});
  expect(res.status).toBe(200);
  return res.body.metrics;
};

/** One column of a series: its values in time order, nulls left out. */
const column = (m: ServiceMetrics['metrics'], name: string, label = MASTER): number[] => {
  const s = m[name];
  const i = s?.data.cols.findIndex((c) => c.label === label) ?? -1;
  return i < 0 ? [] : (s?.data.rows ?? []).map((r) => r[i]).filter((x): x is number => typeof x === 'number');
};

function pgbench(args: string[], database = 'defaultdb'): Promise<string> {
  const p = svc['uri-params'] ?? {};
  const env = { ...process.env, PGPASSWORD: p.password ?? '', PGSSLMODE: 'verify-full', PGSSLROOTCERT: join(t.dataDir, 'ca.pem') };
  return new Promise((resolve, reject) => {
    const child = spawn(PGBENCH, [...args, '-h', p.host ?? '', '-U', p.user ?? '', database], { env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`pgbench exited ${code}: ${out.slice(-1000)}`))));
  });
}

describe('service metrics', () => {
  it('are sampled from the real service and rise under a pgbench load', async () => {
    await sleep(3500);
    const idle = await metrics();
    expect(idle.cpu_usage?.data.cols).toEqual([
      { label: 'time', type: 'date' }, { label: MASTER, type: 'number' }, { label: 'metered-2 (standby)', type: 'number' },
    ]);
    expect(idle.cpu_usage?.hints.title).toMatch(/CPU usage %/);
    // the service's creation is in the first samples: compare with the last ones
    const idleTps = column(idle, 'pg_tps').at(-1) ?? 0;
    const idleCpu = column(idle, 'cpu_usage').at(-1) ?? 0;
    const idleDisk = column(idle, 'disk_used').at(-1) ?? 0;

    const port = svc['uri-params']?.port ?? '';
    await pgbench(['-i', '-s', '2', '-p', port]);
    const web = new URL((await t.getService('metered'))['connection-pools']?.[0]?.['connection-uri'] ?? '');
    // four clients straight to PostgreSQL, two through PgBouncer, six seconds
    const [direct] = await Promise.all([pgbench(['-n', '-c', '4', '-j', '2', '-T', '6', '-p', port]), pgbench(['-n', '-S', '-c', '2', '-T', '6', '-p', web.port], 'web')]);
    expect(direct).toMatch(/number of failed transactions: 0 /);
    await sleep(1500);

    const loaded = await metrics('hour');
    for (const rows of Object.values(loaded).map((s) => s.data.rows)) {
      // oldest first, ISO times
      const times = rows.map((r) => Date.parse(r[0]));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(rows[0]?.[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    expect(column(loaded, 'cpu_usage').length).toBeGreaterThan(8);
    expect(Math.max(...column(loaded, 'cpu_usage'))).toBeGreaterThan(idleCpu + 5);
    expect(Math.max(...column(loaded, 'pg_tps'))).toBeGreaterThan(Math.max(50, idleTps * 5));
    expect(Math.max(...column(loaded, 'pg_connections'))).toBeGreaterThanOrEqual(4);
    expect(Math.max(...column(loaded, 'diskio_write_bytes'))).toBeGreaterThan(0);
    // pgbench -i -s 2 wrote some 30 MB of tables and WAL
    expect(column(loaded, 'disk_used').at(-1)).toBeGreaterThan(idleDisk + 10 * 1024 * 1024);
    expect(column(loaded, 'pg_cache_hit_ratio').at(-1)).toBeGreaterThan(50);
    expect(column(loaded, 'mem_usage').at(-1)).toBeGreaterThan(0);
    expect(column(loaded, 'load_average').length).toBeGreaterThan(0);
    expect(Math.max(...column(loaded, 'pgbouncer_client_connections', 'pgbouncer'))).toBeGreaterThanOrEqual(1);
    expect(Math.max(...column(loaded, 'pgbouncer_server_connections', 'pgbouncer'))).toBeGreaterThanOrEqual(1);
    // the standby streamed the load: its lag was sampled, and it has columns of its own
    expect(column(loaded, 'replication_lag_bytes', 'metered-2 (standby)').length).toBeGreaterThan(5);
    expect(column(loaded, 'cpu_usage', 'metered-2 (standby)').length).toBeGreaterThan(5);
    expect(column(loaded, 'wal_archive_lag_bytes').at(-1)).toBeGreaterThanOrEqual(0);
    // no secret in what the sampler logged or answered
    expect(JSON.stringify(loaded)).not.toContain(svc['uri-params']?.password);
  }, 60_000);

  it('answers the coarser periods with the means of the raw samples', async () => {
    // a sample may land between two answers: compare when `year` did not move around `hour`
    for (let attempt = 0; attempt < 5; attempt++) {
      const year = await metrics('year');
      const hour = await metrics('hour');
      const day = await metrics('day');
      if (JSON.stringify(year) !== JSON.stringify(await metrics('year'))) continue;
      for (const name of ['cpu_usage', 'pg_tps', 'disk_used']) {
        const raw = hour[name]?.data.rows.map((r) => [Date.parse(r[0]) / 1000, r[1]] as const).filter((r): r is readonly [number, number] => typeof r[1] === 'number') ?? [];
        const bucket = RESOLUTIONS.year.bucket;
        const rolled = year[name]?.data.rows ?? [];
        expect(rolled.length).toBeGreaterThan(0);
        for (const [time, value] of rolled) {
          const start = Date.parse(time) / 1000;
          const inBucket = raw.filter(([s]) => s >= start && s < start + bucket).map(([, v]) => v);
          expect(value).toBeCloseTo(inBucket.reduce((a, b) => a + b, 0) / inBucket.length, 6);
        }
        // a day is told in minutes: fewer rows than the raw samples, each a mean
        expect(day[name]?.data.rows.length).toBeGreaterThan(0);
        expect(day[name]?.data.rows.length).toBeLessThan(raw.length);
      }
      for (const period of ['week', 'month'] as const) expect(Object.keys(await metrics(period))).toContain('cpu_usage');
      return;
    }
    throw new Error('samples kept landing between two answers');
  });

  it('are served to a Prometheus scrape at prometheus-uri, behind basic auth with the admin password', async () => {
    const service = await t.getService('metered');
    const uri = service['prometheus-uri'] as { host: string; port: number };
    expect(uri.port).toBeGreaterThan(0);
    const url = `http://${uri.host}:${uri.port}/metrics`;
    const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
    const admin = svc['uri-params']?.password as string;
    // what a Prometheus server sends, parsed by a text-format parser that is not ours
    const res = await fetch(url, { headers: { ...basic('metered', admin), accept: 'text/plain;version=0.0.4' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusTextFormat(await res.text());
    const tps = families.find((f) => f.name === 'pgdeck_pg_tps');
    expect(tps).toMatchObject({ type: 'GAUGE' });
    expect(tps?.metrics.find((m) => m.labels?.node === 'metered-1')?.labels).toEqual({ service: 'metered', node: 'metered-1', role: 'master' });
    const cpu = families.find((f) => f.name === 'pgdeck_cpu_usage')?.metrics ?? [];
    expect(cpu.length).toBeGreaterThanOrEqual(2);
    for (const m of cpu) {
      expect(Number.isFinite(Number(m.value))).toBe(true);
      expect(Math.abs(Date.now() - Number(m.timestamp_ms))).toBeLessThan(120_000);
    }
    // a wrong password, another service's name, none: 401 with a challenge, nothing of the series
    for (const headers of [basic('metered', 'wrong'), basic('nope', admin), {}]) {
      const refused = await fetch(url, { headers });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Basic /);
      expect(await refused.text()).not.toMatch(/pgdeck_/);
    }
    expect((await fetch(`http://${uri.host}:${uri.port}/other`, { headers: basic('metered', admin) })).status).toBe(404);
  });

  it('refuses a period it does not know, naming it, and an unknown service', async () => {
    const bad = await t.call<{ message: string; field?: string }>('POST', '/dbaas-service-metrics/metered', { period: 'decade' });
    expect(bad.status).toBe(400);
    expect(bad.body.field ?? bad.body.message).toMatch(/period/);
    expect((await t.call('POST', '/dbaas-service-metrics/nope', {})).status).toBe(404);
    // a viewer may read them
    expect((await t.call('POST', '/dbaas-service-metrics/metered', {}, t.keyFor('viewer'))).status).toBe(200);
  });
});
