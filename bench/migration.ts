// Migration from a plain PostgreSQL 18 server into an 18 service (issue 12):
//  1. dump throughput: `PUT migration {method: dump}` to the operation's success,
//     against the floor of `pg_dump -Fc -Z0 | pg_restore` by hand with the same 18
//     tools, as the service's OS user, into an empty database of the same service
//     as its admin over the same socket; rounds alternate (floor, engine, engine,
//     floor…); goal ≤ 1.2×.
//     What the target's backends were doing is sampled for both (where the time goes);
//  2. replication lag under `pgbench -c 4 -j 2 -R 300` on the source while syncing:
//     a probe row `(id, clock_timestamp())` inserted every 100 ms on the source, a
//     poller on the target noting `clock_timestamp()` when it appears (one clock:
//     both servers run on this machine); `pgdeck-lag-bytes` sampled every second;
//  3. cut-over: `POST .../migration/stop` to the operation's success, then the
//     first INSERT accepted on the target, on a fresh migration of a small database.
// Ratios measured in one run are what to compare (shared, noisy 2-core machine).
// Usage: npx tsx bench/migration.ts
// Environment (defaults): PGDECK_BENCH_MIG_SCALE=70 (pgbench scale of the dumped
// database, ~15 MiB each), PGDECK_BENCH_MIG_ROUNDS=3 (floor and engine rounds each),
// PGDECK_BENCH_MIG_COMPRESSED=1 (one more floor round with pg_dump's default
// compression; 0 skips it), PGDECK_BENCH_MIG_LOAD_SCALE=10 (replicated database),
// PGDECK_BENCH_MIG_SECONDS=60 and PGDECK_BENCH_MIG_RATE=300 (pgbench -T and -R),
// PGDECK_BENCH_MIG_CUTOVERS=5, PGDECK_BENCH_MIG_PARTS=dump,lag,cutover.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { MigrationStatusView } from '@/lib/schemas/migration';
import type { Operation } from '@/lib/schemas/operation';
import type { ServicePg } from '@/lib/schemas/service';
import { masterSpec } from '../engine/domain/lookup';
import { paths, SUPERUSER } from '../engine/runtime/instance';
import { passfileText } from '../engine/runtime/migration-source';
import { run } from '../engine/runtime/process';
import { migrationTools } from '../engine/runtime/upgrade-tools';
import { connect, type TestEngine } from '../engine/test/harness';
import { startSource, type SourceCluster } from '../engine/test/source-cluster';
import { benchEngine, busyPercent, Cleanup, cpuTimes, killLeftovers, median, ms, now, sleep, useOwnPortBase } from './common';

const PGBENCH = '/usr/lib/postgresql/15/bin/pgbench';
const MAJOR = '18';

function envNumber(name: string, fallback: number, max: number): number {
  const raw = process.env[name];
  const v = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!(v >= 0 && v <= max)) throw new Error(`${name}=${raw}: a number from 0 to ${max}`);
  return v;
}

const cfg = {
  scale: envNumber('PGDECK_BENCH_MIG_SCALE', 70, 400),
  rounds: envNumber('PGDECK_BENCH_MIG_ROUNDS', 3, 9),
  compressed: envNumber('PGDECK_BENCH_MIG_COMPRESSED', 1, 1) === 1,
  loadScale: envNumber('PGDECK_BENCH_MIG_LOAD_SCALE', 10, 200),
  seconds: envNumber('PGDECK_BENCH_MIG_SECONDS', 60, 600),
  rate: envNumber('PGDECK_BENCH_MIG_RATE', 300, 5000),
  cutovers: envNumber('PGDECK_BENCH_MIG_CUTOVERS', 5, 20),
  parts: new Set((process.env.PGDECK_BENCH_MIG_PARTS ?? 'dump,lag,cutover').split(',').map((s) => s.trim())),
};

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? Number.NaN;
};
const secs = (x: number): string => (x / 1000).toFixed(1);
const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

/** The source databases the bench makes; a migration takes one of them (`ignore-dbs` the others). */
const SOURCE_DBS = ['bench', 'load', 'cut'];
const only = (db: string): string => SOURCE_DBS.filter((d) => d !== db).join(',');

interface Bench {
  t: TestEngine;
  src: SourceCluster;
  /** 0700, the dump service's OS user's: the passfile, the floor's cwd. */
  work: string;
  passfile: string;
}

async function api<T>(t: TestEngine, method: string, path: string, body?: unknown): Promise<T> {
  const res = await t.call<T>(method, path, body);
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** An operation polled every `everyMs` until it leaves pending; `onTick` runs at each poll (status sampling). */
async function until(t: TestEngine, op: Operation, everyMs: number, timeoutMs: number, onTick?: () => Promise<void>): Promise<Operation> {
  const deadline = now() + timeoutMs;
  let cur = op;
  while (cur.state === 'pending') {
    if (now() > deadline) throw new Error(`operation ${op.id} still pending after ${timeoutMs} ms`);
    await sleep(everyMs);
    await onTick?.();
    cur = await api<Operation>(t, 'GET', `/operation/${op.id}`);
  }
  return cur;
}

async function waitOk(t: TestEngine, op: Operation, what: string, timeoutMs = 600_000): Promise<Operation> {
  const done = await until(t, op, 100, timeoutMs);
  if (done.state !== 'success') throw new Error(`${what}: ${done.state}: ${done.message}`);
  return done;
}

const migrationBody = (b: Bench, db: string, method: 'dump' | 'replication') => ({
  migration: { host: b.src.host, port: b.src.port, username: 'postgres', password: b.src.password, ssl: false, method, 'ignore-dbs': only(db) },
});

const status = (t: TestEngine, service: string) => api<MigrationStatusView>(t, 'GET', `/dbaas-migration-status/${service}`);

async function dropTargetDb(t: TestEngine, service: string, db: string): Promise<void> {
  const res = await t.call<Operation>('DELETE', `/dbaas-postgres/${service}/database/${db}`);
  if (res.status === 200) await waitOk(t, res.body, `drop ${db}`);
  else if (res.status !== 404) throw new Error(`DELETE database ${db}: ${res.status} ${JSON.stringify(res.body)}`);
}

/** libpq's environment for a program reading the source as its superuser: the passfile, never the password. */
const sourceEnv = (b: Bench, db: string): Record<string, string> => ({
  PGHOST: b.src.host, PGPORT: String(b.src.port), PGUSER: 'postgres', PGDATABASE: db, PGPASSFILE: b.passfile, PGSSLMODE: 'disable', LC_MESSAGES: 'C',
});

async function pgbench(b: Bench, db: string, args: string[], timeoutMs: number): Promise<string> {
  return run(PGBENCH, args, { env: sourceEnv(b, db), timeoutMs });
}

/** A superuser session on the service's socket (what the engine's own queries use), to watch its backends. */
async function superuserClient(t: TestEngine, service: string): Promise<pg.Client> {
  const rec = t.engine.services.get(service);
  if (!rec) throw new Error(`no service ${service}`);
  const spec = masterSpec(t.engine, rec);
  const client = new pg.Client({ host: paths(spec.root).run, port: spec.port, user: SUPERUSER, password: spec.password, database: 'postgres' });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** What the backends of one target database are doing, sampled every `everyMs`: time per kind of statement. */
class ActivitySampler {
  private readonly counts = new Map<string, number>();
  private samples = 0;
  private stopped = false;
  private done: Promise<void> | null = null;
  private t0 = 0;
  private elapsed = 0;

  constructor(private readonly client: pg.Client, private readonly db: string, private readonly everyMs = 200) {}

  start(): void {
    this.t0 = now();
    this.done = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
    this.elapsed = now() - this.t0;
  }

  /** e.g. "copy 31.0 s, indexes 9.2 s, analyze 2.1 s, nothing 4.0 s": the share of samples times the elapsed time. */
  summary(): string {
    return [...this.counts.entries()].sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${secs((this.elapsed * n) / Math.max(1, this.samples))} s`).join(', ');
  }

  private static kind(queries: string[]): string {
    const q = queries.map((s) => s.trim().replace(/\s+/g, ' ').toUpperCase());
    if (q.some((s) => s.startsWith('COPY '))) return 'copy';
    if (q.some((s) => /^(CREATE (UNIQUE )?INDEX|ALTER TABLE (ONLY )?\S+ ADD CONSTRAINT)/.test(s))) return 'indexes';
    if (q.some((s) => s.startsWith('ANALYZE'))) return 'analyze';
    if (!q.length) return 'nothing';
    return `other (${(q[0] ?? '').split(' ').slice(0, 2).join(' ')})`;
  }

  private async loop(): Promise<void> {
    // bounded: a sample per everyMs for at most an hour
    for (let i = 0; !this.stopped && i < 3_600_000 / this.everyMs; i++) {
      const tick = now();
      try {
        const { rows } = await this.client.query<{ query: string }>(
          "SELECT query FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid() AND backend_type = 'client backend'", [this.db]);
        const kind = ActivitySampler.kind(rows.map((r) => r.query));
        this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
        this.samples += 1;
      } catch {
        // a sample lost to a busy server: the others still tell the shares
      }
      await sleep(Math.max(0, this.everyMs - (now() - tick)));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 1. dump against pg_dump | pg_restore

interface DumpRound {
  ms: number;
  /** From PUT: when each phase of the database was first seen in the status (engine rounds). */
  phases?: Record<string, number>;
  activity: string;
  /** This process's CPU (the engine, in process, and the bench), in % of one core, and the machine's busy % (all cores, everyone's). */
  cpu: string;
}

/** Measures the CPU around `work`: this process's (the in-process engine's and the bench's) and the whole machine's. */
async function withCpu<T extends Omit<DumpRound, 'cpu'>>(work: () => Promise<T>): Promise<T & { cpu: string }> {
  const own0 = process.cpuUsage();
  const all0 = cpuTimes();
  const t0 = now();
  const res = await work();
  const own = process.cpuUsage(own0);
  const wall = now() - t0;
  return { ...res, cpu: `node ${((100 * (own.user + own.system)) / 1000 / wall).toFixed(0)}% of a core, machine ${busyPercent(all0, cpuTimes()).toFixed(0)}% busy` };
}

async function floorRound(b: Bench, svc: ServicePg, watch: pg.Client, bindir: string, compress: boolean): Promise<Omit<DumpRound, 'cpu'>> {
  const { t } = b;
  const rec = t.engine.services.get(svc.name);
  if (!rec) throw new Error('no service');
  const spec = masterSpec(t.engine, rec);
  await waitOk(t, await api<Operation>(t, 'POST', `/dbaas-postgres/${svc.name}/database`, { 'database-name': 'floor' }), 'create floor');
  await watch.query('CHECKPOINT');
  const sampler = new ActivitySampler(watch, 'floor');
  // the same programs as the engine's copy, as the same OS user, into the same server over its socket as the admin
  const script = 'set -o pipefail; "$BIN/pg_dump" -Fc $Z "$SRCDB" | "$BIN/pg_restore" --no-owner -h "$SOCK" -p "$TPORT" -U "$ADMIN" -d floor';
  const env = {
    ...sourceEnv(b, 'bench'), BIN: bindir, Z: compress ? '' : '-Z0', SRCDB: 'bench', SOCK: paths(spec.root).run, TPORT: String(spec.port), ADMIN: rec.adminUsername,
  };
  sampler.start();
  const t0 = now();
  await run('/bin/bash', ['-c', script], { env, runAs: t.engine.serviceRunAs(rec), cwd: b.work, timeoutMs: 3_600_000 });
  const took = now() - t0;
  await sampler.stop();
  await dropTargetDb(t, svc.name, 'floor');
  return { ms: took, activity: sampler.summary() };
}

async function engineRound(b: Bench, svc: ServicePg, watch: pg.Client): Promise<Omit<DumpRound, 'cpu'>> {
  const { t } = b;
  await watch.query('CHECKPOINT');
  const sampler = new ActivitySampler(watch, 'bench');
  const phases: Record<string, number> = {};
  sampler.start();
  const t0 = now();
  const op = await api<Operation>(t, 'PUT', `/dbaas-postgres/${svc.name}`, migrationBody(b, 'bench', 'dump'));
  // polled every 250 ms: the in-process engine answers on the same two cores as the copy, so the floor's rounds get no such load
  const done = await until(t, op, 250, 3_600_000, async () => {
    const s = await status(t, svc.name).catch(() => null);
    const d = s?.details.find((x) => x.dbname === 'bench');
    if (!d) return;
    const phase = d['pgdeck-phase'] ?? '?';
    const key = phase === 'data' ? `data (${d['pgdeck-tables-done'] ?? 0}/${d['pgdeck-tables-total'] ?? '?'} tables)` : phase;
    phases[key] ??= now() - t0;
  });
  const took = now() - t0;
  await sampler.stop();
  if (done.state !== 'success') throw new Error(`migration: ${done.state}: ${done.message}`);
  console.log(`  operation: ${done.message}`);
  await dropTargetDb(t, svc.name, 'bench');
  return { ms: took, phases, activity: sampler.summary() };
}

async function dumpPart(b: Bench): Promise<void> {
  const { t, src } = b;
  const tools = migrationTools(MAJOR, MAJOR);
  if (!tools.bindir) throw new Error(tools.reason);
  console.log(`\n== 1. dump: pgbench -i -s ${cfg.scale} on the source, ${cfg.rounds} rounds each of floor and engine (tools ${tools.version}, ${tools.bindir})`);
  await src.query('CREATE DATABASE bench');
  const t0 = now();
  await pgbench(b, 'bench', ['-i', '-s', String(cfg.scale), '-q'], 3_600_000);
  const [size] = await src.query<{ db: string; tables: string }>(
    "SELECT pg_database_size('bench')::text AS db, (SELECT sum(pg_total_relation_size(c.oid))::text FROM pg_class c WHERE c.relname LIKE 'pgbench%' AND c.relkind = 'r') AS tables", [], 'bench');
  console.log(`source filled in ${secs(now() - t0)} s: database ${(Number(size?.db) / 1024 ** 3).toFixed(2)} GiB (pgbench tables with indexes ${(Number(size?.tables) / 1024 ** 3).toFixed(2)} GiB); load ${load()}`);
  const svc = await t.getService('into');
  const watch = await superuserClient(t, 'into');
  try {
    const floors: DumpRound[] = [];
    const engines: DumpRound[] = [];
    const floor = async (r: number): Promise<void> => {
      const f = await withCpu(() => floorRound(b, svc, watch, tools.bindir, false));
      floors.push(f);
      console.log(`round ${r}: floor  ${ms(f.ms)} ms  [${f.activity}]  ${f.cpu}, load ${load()}`);
    };
    const engine = async (r: number): Promise<void> => {
      const e = await withCpu(() => engineRound(b, svc, watch));
      engines.push(e);
      const phases = Object.entries(e.phases ?? {}).map(([k, v]) => `${k} @${secs(v)}`).join(', ');
      console.log(`round ${r}: engine ${ms(e.ms)} ms  [${e.activity}]  phases first seen: ${phases}  ${e.cpu}, load ${load()}`);
    };
    // floor, engine, engine, floor, floor, engine…: a load that rises or falls through the run hits both alike
    for (let r = 1; r <= cfg.rounds; r++) {
      if (r % 2) await floor(r).then(() => engine(r));
      else await engine(r).then(() => floor(r));
    }
    const f = median(floors.map((x) => x.ms));
    const e = median(engines.map((x) => x.ms));
    const paired = median(engines.map((x, i) => x.ms / (floors[i]?.ms ?? Number.NaN)));
    console.log(`dump: floor median ${ms(f)} ms, engine median ${ms(e)} ms, ratio ${(e / f).toFixed(2)} (paired ${paired.toFixed(2)}; goal ≤ 1.2)`);
    if (cfg.compressed) {
      const c = await withCpu(() => floorRound(b, svc, watch, tools.bindir, true));
      console.log(`floor with pg_dump's default compression: ${ms(c.ms)} ms  [${c.activity}]  ${c.cpu} (${(c.ms / f).toFixed(2)}× the -Z0 floor)`);
    }
  } finally {
    await watch.end().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 2. replication lag under a write load

async function sourceClient(src: SourceCluster, db: string): Promise<pg.Client> {
  const client = new pg.Client({ host: src.host, port: src.port, user: 'postgres', password: src.password, database: db, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function lagPart(b: Bench): Promise<void> {
  const { t, src } = b;
  console.log(`\n== 2. replication lag: pgbench -i -s ${cfg.loadScale}, then pgbench -c 4 -j 2 -T ${cfg.seconds} -R ${cfg.rate} on the source while syncing`);
  await src.query('CREATE DATABASE load');
  await pgbench(b, 'load', ['-i', '-s', String(cfg.loadScale), '-q'], 1_800_000);
  // replication needs a key on every table (the pre-check blocks keyless ones); the probe's rows are timed
  await src.query('ALTER TABLE pgbench_history ADD COLUMN id bigserial PRIMARY KEY; CREATE TABLE probe (id int PRIMARY KEY, at timestamptz NOT NULL)', [], 'load');
  const t0 = now();
  const op = await api<Operation>(t, 'PUT', '/dbaas-postgres/repl', migrationBody(b, 'load', 'replication'));
  const done = await waitOk(t, op, 'replication start', 1_800_000);
  console.log(`syncing after ${secs(now() - t0)} s: ${done.message}`);
  const svc = await t.getService('repl');

  const lags: number[] = [];
  const lagBytes: number[] = [];
  let inserted = 0;
  let stop = false;
  const deadline = now() + (cfg.seconds + 90) * 1000;
  // the target: which probe rows arrived, when by the same machine clock the source stamped them with
  const target = await connect(t, svc, { database: 'load' });
  const poller = (async () => {
    let last = 0;
    while (now() < deadline && !(stop && last >= inserted)) {
      const { rows } = await target.query<{ id: number; lag: number }>(
        'SELECT id, (extract(epoch FROM clock_timestamp() - at) * 1000)::float8 AS lag FROM probe WHERE id > $1 ORDER BY id', [last]);
      for (const r of rows) lags.push(r.lag);
      last = rows.at(-1)?.id ?? last;
      await sleep(10);
    }
    return last;
  })();
  const statusSampler = (async () => {
    while (!stop && now() < deadline) {
      const d = (await status(t, 'repl')).details.find((x) => x.dbname === 'load');
      if (typeof d?.['pgdeck-lag-bytes'] === 'number') lagBytes.push(d['pgdeck-lag-bytes']);
      await sleep(1000);
    }
  })();
  const probe = await sourceClient(src, 'load');
  const walAt = async (): Promise<bigint> => BigInt((await probe.query<{ b: string }>("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS b")).rows[0]?.b ?? '0');
  const wal0 = await walAt();
  const w0 = now();
  const bench = pgbench(b, 'load', ['-n', '-c', '4', '-j', '2', '-T', String(cfg.seconds), '-R', String(cfg.rate)], (cfg.seconds + 60) * 1000);
  let benchOut = '';
  let benchDone = false;
  const benchEnd = bench.then((out) => { benchOut = out; }).finally(() => { benchDone = true; });
  while (!benchDone && now() < deadline) {
    const tick = now();
    inserted += 1;
    await probe.query('INSERT INTO probe VALUES ($1, clock_timestamp())', [inserted]);
    await sleep(Math.max(0, 100 - (now() - tick)));
  }
  await benchEnd;
  const walRate = Number(await walAt() - wal0) / ((now() - w0) / 1000);
  stop = true;
  const seen = await poller;
  await statusSampler;
  await Promise.all([probe.end(), target.end()].map((p) => p.catch(() => undefined)));
  const tps = /tps = ([\d.]+)/.exec(benchOut)?.[1] ?? '?';
  const lat = /latency average = ([\d.]+ ms)/.exec(benchOut)?.[1] ?? '?';
  console.log(`pgbench: ${tps} tps, latency average ${lat}; probes inserted ${inserted}, seen on the target ${seen}`);
  console.log(`lag (seen on the target − inserted on the source, 10 ms poll): p50 ${ms(quantile(lags, 0.5))} ms, p95 ${ms(quantile(lags, 0.95))} ms, ` +
    `p99 ${ms(quantile(lags, 0.99))} ms, max ${ms(Math.max(...lags))} ms (${lags.length} rows)`);
  console.log(`pgdeck-lag-bytes, ${lagBytes.length} samples 1 s apart: p50 ${quantile(lagBytes, 0.5)}, p99 ${quantile(lagBytes, 0.99)}, max ${Math.max(...lagBytes)}, ` +
    `distinct values ${new Set(lagBytes).size}; the source wrote ${(walRate / 1024).toFixed(0)} KiB of WAL a second; load ${load()}`);
  const s0 = now();
  const cut = await waitOk(t, await api<Operation>(t, 'POST', '/dbaas-postgres/repl/migration/stop'), 'cut-over', 600_000);
  console.log(`cut-over of the loaded database ${ms(now() - s0)} ms: ${cut.message}`);
}

// ---------------------------------------------------------------------------------------------------------------
// 3. cut-over: stop → success → first INSERT on the target

async function cutoverPart(b: Bench): Promise<void> {
  const { t, src } = b;
  console.log(`\n== 3. cut-over: ${cfg.cutovers} rounds, a fresh replication of a small database each`);
  await src.query('CREATE DATABASE cut');
  await src.query("CREATE TABLE items (id bigserial PRIMARY KEY, note text); INSERT INTO items (note) SELECT 'n' || g FROM generate_series(1, 10000) g", [], 'cut');
  const svc = await t.getService('repl');
  const toSuccess: number[] = [];
  const toInsert: number[] = [];
  for (let r = 1; r <= cfg.cutovers; r++) {
    await waitOk(t, await api<Operation>(t, 'PUT', '/dbaas-postgres/repl', migrationBody(b, 'cut', 'replication')), 'replication start', 600_000);
    const t0 = now();
    const stopOp = await api<Operation>(t, 'POST', '/dbaas-postgres/repl/migration/stop');
    const done = await until(t, stopOp, 20, 600_000);
    const t1 = now();
    if (done.state !== 'success') throw new Error(`cut-over: ${done.state}: ${done.message}`);
    let t2 = Number.NaN;
    let last = '';
    for (let i = 0; i < 500 && Number.isNaN(t2); i++) {
      try {
        const client = await connect(t, svc, { database: 'cut' });
        try {
          await client.query("INSERT INTO items (note) VALUES ('on the target')");
        } finally {
          await client.end().catch(() => undefined);
        }
        t2 = now();
      } catch (err) {
        last = (err as Error).message;
        await sleep(20);
      }
    }
    if (Number.isNaN(t2)) throw new Error(`no INSERT accepted on the target: ${last}`);
    toSuccess.push(t1 - t0);
    toInsert.push(t2 - t0);
    console.log(`round ${r}: stop → success ${ms(t1 - t0)} ms, → first INSERT ${ms(t2 - t0)} ms (${done.message})`);
    await dropTargetDb(t, 'repl', 'cut');
  }
  console.log(`cut-over: stop → success median ${ms(median(toSuccess))} ms, max ${ms(Math.max(...toSuccess))} ms; ` +
    `stop → first INSERT median ${ms(median(toInsert))} ms, max ${ms(Math.max(...toInsert))} ms; load ${load()}`);
}

// ---------------------------------------------------------------------------------------------------------------

async function main(cleanup: Cleanup): Promise<void> {
  const started = now();
  useOwnPortBase();
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    } catch {
      return '?';
    }
  })();
  console.log(`pgdeck migration bench: commit ${commit}, ${cpus().length} cpus, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB, node ${process.version}; ` +
    `${new Date().toISOString()}; load ${load()}; ${JSON.stringify({ ...cfg, parts: [...cfg.parts] })}`);
  const t = await benchEngine(cleanup);
  const wanted = [cfg.parts.has('dump') ? 'into' : null, cfg.parts.has('lag') || cfg.parts.has('cutover') ? 'repl' : null].filter((n): n is string => n !== null);
  await Promise.all(wanted.map((name) => t.createService(name, { version: MAJOR, plan: 'startup-4' })));
  // the first backup is taken right after a create: let it finish before measuring
  for (let i = 0; i < 600 && (await Promise.all(wanted.map(async (n) => ((await t.getService(n)).backups ?? []).length))).some((n) => !n); i++) await sleep(100);
  // the source is a plain cluster made from the engine's own template for 18
  process.env.PGDECK_TEST_TEMPLATES = join(t.dataDir, 'templates');
  const dir = mkdtempSync(join(tmpdir(), 'pgdeck-bench-migration-'));
  chmodSync(dir, 0o711);
  cleanup.add('source', async () => {
    await killLeftovers(dir);
    rmSync(dir, { recursive: true, force: true });
  });
  const src = await startSource(dir, { major: MAJOR, settings: { shared_buffers: '128MB', max_wal_size: '4GB' } });
  cleanup.add('source stop', () => src.stop().catch(() => undefined));
  // the floor runs as the dump service's OS user: its cwd and passfile are that user's (pgbench, as root, reads it too)
  const owner = wanted.includes('into') ? t.engine.serviceRunAs(t.engine.services.get('into') as NonNullable<ReturnType<typeof t.engine.services.get>>) : null;
  const work = join(dir, 'work');
  t.engine.runtime.ownedDir(work, owner);
  const passfile = join(work, 'pgpass');
  t.engine.runtime.writeOwned(passfile, passfileText({ host: src.host, port: src.port, username: 'postgres', password: src.password }), owner);
  if (!existsSync(passfile)) throw new Error('no passfile');
  const b: Bench = { t, src, work, passfile };
  console.log(`source PostgreSQL ${MAJOR} on ${src.host}:${src.port} (${dir}); engine data ${t.dataDir}; ready after ${secs(now() - started)} s`);

  if (cfg.parts.has('dump')) await dumpPart(b);
  if (cfg.parts.has('lag')) await lagPart(b);
  if (cfg.parts.has('cutover')) await cutoverPart(b);
  console.log(`\ndone in ${secs(now() - started)} s; load average at the end ${load()}`);
}

const cleanup = new Cleanup();
void cleanup.main(() => main(cleanup));
