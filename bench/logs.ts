// The logs endpoint over a million lines: one real service, whose node's log directory gets a file of N lines
// written the way PostgreSQL's collector writes them (a rotated file, so the engine reads it to its end and
// deletes it). Measured: how fast the engine reads them into logs.db (parse, redact, insert), then the latency of
// signed POST /v2/dbaas-service-logs/{name} calls: the newest page, the oldest, a page deep in the middle by offset,
// and 500-line pages. The per-service cap is raised for the run (PGDECK_LOG_CAP_MIB) so every line stays.
// Usage: npx tsx bench/logs.ts [--lines 1000000] [--calls 200]
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceLogs } from '@/lib/schemas/logs';
import { ingestLogs } from '../engine/domain/logs';
import { paths } from '../engine/runtime/instance';
import { benchEngine, Cleanup, median, now, useOwnPortBase } from './common';

function parseArgs(argv: string[]) {
  const a = { lines: 1_000_000, calls: 200 };
  for (let i = 0; i < argv.length; i++) {
    const v = Number(argv[i + 1]);
    if (argv[i] === '--lines') a.lines = v;
    if (argv[i] === '--calls') a.calls = v;
  }
  return a;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

/** N lines as PostgreSQL 17 writes them with the engine's log_line_prefix: statements, checkpoints, connections. */
function logText(n: number, start: Date): string {
  const kinds = [
    (i: number) => `[${1000 + (i % 5000)}] app@orders LOG:  duration: ${(i % 997) / 10} ms  statement: SELECT * FROM orders WHERE id = ${i}`,
    (i: number) => `[${1000 + (i % 5000)}] LOG:  checkpoint complete: wrote ${i % 300} buffers (1.${i % 9}%); 0 WAL file(s) added, 0 removed, 1 recycled`,
    (i: number) => `[${1000 + (i % 5000)}] app@orders FATAL:  password authentication failed for user "app"`,
    (i: number) => `[${1000 + (i % 5000)}] app@orders ERROR:  relation "missing_${i % 50}" does not exist at character 15`,
  ];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = new Date(start.getTime() + i).toISOString().replace('T', ' ').replace('Z', ' UTC');
    out.push(`${t} ${kinds[i % kinds.length]!(i)}`);
  }
  return `${out.join('\n')}\n`;
}

async function main(cleanup: Cleanup): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  useOwnPortBase();
  process.env.PGDECK_LOG_CAP_MIB ??= '1024';
  {
    const t = await benchEngine(cleanup);
    await t.createService('logbench', { plan: 'hobbyist-2' });
    const svc = t.engine.services.get('logbench')!;
    const node = t.engine.nodes.master('logbench')!;
    const dir = paths(t.engine.nodeRoot(svc, node)).logDir;
    // an older collector file: sorted before the live one, read to its end, then removed
    const file = join(dir, 'postgresql-20000101-000000.log');
    writeFileSync(file, logText(args.lines, new Date(Date.now() - args.lines)), { mode: 0o600 });
    const bytes = statSync(file).size;
    const t0 = now();
    let looks = 0;
    for (;;) {
      ingestLogs(t.engine, svc);
      looks++;
      try {
        statSync(file);
      } catch {
        break;
      }
    }
    const ingestMs = now() - t0;
    console.log(`ingest: ${args.lines} lines, ${(bytes / 1048576).toFixed(1)} MiB in ${(ingestMs / 1000).toFixed(1)} s over ${looks} looks: ${Math.round(args.lines / (ingestMs / 1000))} lines/s`);

    const call = async (body: Record<string, unknown>): Promise<{ ms: number; page: ServiceLogs }> => {
      const s = now();
      const res = await t.call<ServiceLogs>('POST', '/dbaas-service-logs/logbench', body);
      if (res.status !== 200) throw new Error(`logs: ${res.status} ${JSON.stringify(res.body)}`);
      return { ms: now() - s, page: res.body };
    };
    const oldest = (await call({ 'sort-order': 'asc', limit: 1 })).page;
    const newest = (await call({ limit: 1 })).page;
    const middle = String(Math.round((Number(oldest['first-log-offset']) + Number(newest['first-log-offset'])) / 2));
    const cases: [string, Record<string, unknown>][] = [
      ['newest 100 (desc, no offset)', {}],
      ['oldest 100 (asc, no offset)', { 'sort-order': 'asc' }],
      ['100 before the middle (desc, offset)', { offset: middle }],
      ['100 after the middle (asc, offset)', { 'sort-order': 'asc', offset: middle }],
      ['500 before the middle (desc, offset)', { offset: middle, limit: 500 }],
    ];
    console.log(`lines kept: ${Number(newest['first-log-offset']) - Number(oldest['first-log-offset']) + 1} (ids ${oldest['first-log-offset']}..${newest['first-log-offset']})`);
    console.log('| page | p50 ms | p95 ms | p99 ms | max ms |');
    console.log('|---|---|---|---|---|');
    for (const [label, body] of cases) {
      const times: number[] = [];
      for (let i = 0; i < args.calls; i++) times.push((await call(body)).ms);
      console.log(`| ${label} | ${median(times).toFixed(1)} | ${pct(times, 95).toFixed(1)} | ${pct(times, 99).toFixed(1)} | ${Math.max(...times).toFixed(1)} |`);
    }
  }
}

const cleanup = new Cleanup();
void cleanup.main(() => main(cleanup));
