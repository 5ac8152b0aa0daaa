// Connection pools: what PgBouncer costs and what it holds.
//
//   npx tsx bench/pool-throughput.ts [--clients 16] [--seconds 10] [--rounds 3] [--held 1000]
//
// Starts an in-process engine on a temporary data directory, creates one
// startup-4 service (max_connections 100) on the default version, loads
// pgbench's tables (scale 10), and creates a size-20 transaction pool.
//
// 1. Throughput: pgbench select-only (-S) with the same client count, direct
//    to PostgreSQL and through the pool, interleaved round by round in one run
//    (so machine noise hits both alike); medians and their ratio.
// 2. Held clients: opens --held client connections through the pool (TLS,
//    verified against the engine's CA), each running SELECT 1 and staying
//    open, then runs SELECT 1 on every one of them again; prints how many are
//    held, and the PostgreSQL backends the pool's database has meanwhile.
// Everything targets 127.0.0.1 only; every loop is bounded.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Operation } from '@/lib/schemas/operation';
import type { ConnectionPool } from '@/lib/schemas/pool';
import { bouncerAdmin } from '../engine/domain/bouncer';
import { queryAs } from '../engine/test/harness';
import { benchEngine, Cleanup, median, useOwnPortBase } from './common';

const PGBENCH = '/usr/lib/postgresql/15/bin/pgbench';

function parseArgs(argv: string[]) {
  const a = { clients: 16, seconds: 10, rounds: 3, held: 1000 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] ?? '').split('=', 2);
    const v = Number(inline ?? argv[++i]);
    const key = flag?.replace(/^--/, '') as keyof typeof a;
    if (!(key in a) || !Number.isInteger(v) || v < 1) throw new Error(`usage: pool-throughput.ts [--clients 16] [--seconds 10] [--rounds 3] [--held 1000]; bad ${flag}`);
    a[key] = v;
  }
  if (a.clients > 500 || a.seconds > 120 || a.rounds > 10 || a.held > 5000) throw new Error('bounds: clients ≤ 500, seconds ≤ 120, rounds ≤ 10, held ≤ 5000');
  return a;
}

function pgbench(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(PGBENCH, args, { env });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`pgbench exited ${code}: ${out.slice(-1500)}`));
    });
  });
}

const tpsOf = (out: string): number => Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(out)?.[1] ?? /tps = ([\d.]+)/.exec(out)?.[1]);

async function main(cleanup: Cleanup): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  useOwnPortBase();
  const t = await benchEngine(cleanup);
  const svc = await t.createService('bench', { plan: 'startup-4' });
  const p = svc['uri-params'] ?? {};
  console.log(`pgdeck pool-throughput: ${cpus().length} cpus, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, PostgreSQL ${svc.version}, ` +
    `PgBouncer ${t.engine.bouncer?.version}, max_connections ${svc['max-connections']}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  const ca = join(t.dataDir, 'bench-ca.pem');
  writeFileSync(ca, t.engine.ca.cert);
  const env = { ...process.env, PGPASSWORD: p.password ?? '', PGSSLMODE: 'verify-full', PGSSLROOTCERT: ca };
  await pgbench(['-i', '-q', '-s', '10', '-h', p.host ?? '', '-p', p.port ?? '', '-U', p.user ?? '', p.dbname ?? ''], env, 300_000);
  const created = await t.call<Operation>('POST', '/dbaas-postgres/bench/connection-pool', { name: 'bench', 'database-name': p.dbname, mode: 'transaction', size: 20 });
  if (created.status !== 200) throw new Error(`create pool: ${created.status} ${JSON.stringify(created.body)}`);
  const pool = (await t.getService('bench'))['connection-pools']?.[0] as ConnectionPool;
  const via = new URL(pool['connection-uri']);

  // 1. throughput
  const run = (host: string, port: string, db: string) =>
    pgbench(['-S', '-n', '-c', String(args.clients), '-j', String(Math.min(args.clients, cpus().length)), '-T', String(args.seconds), '-h', host, '-p', port, '-U', p.user ?? '', db], env, (args.seconds + 60) * 1000);
  const direct: number[] = [];
  const pooled: number[] = [];
  for (let r = 1; r <= args.rounds; r++) {
    direct.push(tpsOf(await run(p.host ?? '', p.port ?? '', p.dbname ?? '')));
    pooled.push(tpsOf(await run(via.hostname, via.port, 'bench')));
    console.log(`round ${r}: direct ${direct.at(-1)?.toFixed(0)} tps, pool ${pooled.at(-1)?.toFixed(0)} tps`);
  }
  const ratio = median(pooled) / median(direct);
  console.log(`\nselect-only, ${args.clients} clients, ${args.seconds} s x ${args.rounds} rounds: direct median ${median(direct).toFixed(0)} tps, ` +
    `pool median ${median(pooled).toFixed(0)} tps, pool/direct ${ratio.toFixed(2)}`);

  // 2. held clients
  const clients: pg.Client[] = [];
  cleanup.add('clients', async () => {
    await Promise.allSettled(clients.map((c) => c.end()));
  });
  const open = async () => {
    const c = new pg.Client({
      host: via.hostname,
      port: Number(via.port),
      user: decodeURIComponent(via.username),
      password: decodeURIComponent(via.password),
      database: 'bench',
      ssl: { ca: t.engine.ca.cert, rejectUnauthorized: true },
      connectionTimeoutMillis: 30_000,
    });
    c.on('error', () => undefined);
    await c.connect();
    await c.query('SELECT 1');
    clients.push(c);
  };
  let failed = 0;
  let firstError = '';
  for (let i = 0; i < args.held; i += 50) {
    const batch = await Promise.allSettled(Array.from({ length: Math.min(50, args.held - i) }, open));
    for (const b of batch) {
      if (b.status === 'rejected') {
        failed++;
        firstError ||= (b.reason as Error).message;
      }
    }
  }
  let alive = 0;
  for (let i = 0; i < clients.length; i += 100) {
    const batch = await Promise.allSettled(clients.slice(i, i + 100).map((c) => c.query('SELECT 1')));
    alive += batch.filter((b) => b.status === 'fulfilled').length;
  }
  const [backends] = await queryAs(t, svc, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = '${p.dbname}' AND backend_type = 'client backend' AND pid <> pg_backend_pid()`);
  const stats = (await bouncerAdmin(t.engine, 'bench', 'SHOW POOLS')).find((r) => r.database === 'bench') ?? {};
  console.log(`held: ${clients.length} of ${args.held} client connections opened (${failed} failed${firstError ? `: ${firstError}` : ''}), ` +
    `${alive} answered SELECT 1 again while all were open; PostgreSQL client backends for the database: ${backends?.n}; ` +
    `PgBouncer SHOW POOLS: cl_active ${String(stats.cl_active)}, cl_idle ${String(stats.cl_idle ?? '-')}, sv_active ${String(stats.sv_active)}, sv_idle ${String(stats.sv_idle)}`);
  console.log(`\nJSON ${JSON.stringify({
    clients: args.clients,
    seconds: args.seconds,
    rounds: args.rounds,
    directTps: direct.map(Math.round),
    poolTps: pooled.map(Math.round),
    ratio: Number(ratio.toFixed(3)),
    heldRequested: args.held,
    held: clients.length,
    answeredAgain: alive,
    backends: backends?.n,
  })}`);
}

const cleanup = new Cleanup();
await cleanup.main(() => main(cleanup));
