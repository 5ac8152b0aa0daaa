// Shared pieces of the benchmarks: timing statistics, a bounded TLS
// connection probe, finding the PostgreSQL processes that belong to a
// directory, and cleanup that runs on success, on error and on SIGINT/SIGTERM.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { ServicePg } from '@/lib/schemas/service';
import { processesUnder as processesUnderDir } from '../engine/runtime/process';
import { removeDataDir, startEngine, type TestEngine } from '../engine/test/harness';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const now = (): number => performance.now();

export function median(xs: number[]): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export const ms = (x: number): string => (Number.isFinite(x) ? `${Math.round(x)}` : '-');
export const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

export interface TlsTarget {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  /** CA that must have signed the server certificate (verify-full). */
  ca: string;
}

/** One connection attempt over TCP+TLS (verified) running SELECT 1; rejects on any failure. */
export async function probeTls(t: TlsTarget, timeoutMs = 3000): Promise<void> {
  const client = new pg.Client({
    host: t.host,
    port: t.port,
    user: t.user,
    password: t.password,
    database: t.database,
    ssl: { ca: t.ca, rejectUnauthorized: true },
    connectionTimeoutMillis: timeoutMs,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const res = await client.query<{ one: number }>('SELECT 1 AS one');
    if (res.rows[0]?.one !== 1) throw new Error('SELECT 1 returned no row');
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface PollResult {
  /** performance.now() when the first attempt succeeded */
  at: number;
  attempts: number;
}

/**
 * Retries probeTls every `intervalMs` until it succeeds; bounded by a deadline
 * and an attempt count. `abort` lets a parallel observer (a failed operation)
 * end the wait early with its error.
 */
export async function pollTls(
  t: TlsTarget,
  opts: { intervalMs?: number; timeoutMs?: number; abort?: () => Error | null } = {},
): Promise<PollResult> {
  const intervalMs = opts.intervalMs ?? 20;
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const deadline = now() + timeoutMs;
  const maxAttempts = Math.ceil(timeoutMs / intervalMs) + 10;
  let last = '';
  for (let attempts = 1; attempts <= maxAttempts && now() < deadline; attempts++) {
    const stop = opts.abort?.();
    if (stop) throw stop;
    try {
      await probeTls(t);
      return { at: now(), attempts };
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(intervalMs);
  }
  throw new Error(`no TLS connection to ${t.host}:${t.port} within ${timeoutMs} ms: ${last}`);
}

/** A TCP port on 127.0.0.1 that nothing is bound to right now. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Processes whose working directory lies under `dir` (postmasters chdir to
 * their data directory, PgBouncer to its own), found by the engine's own
 * finder, plus every descendant of those (through their ppid).
 */
export function processesUnder(dir: string): number[] {
  const all = processesUnderDir('/');
  const found = new Set(processesUnderDir(dir).map((p) => p.pid));
  found.delete(process.pid);
  // descendants: repeat until no new child appears (bounded)
  for (let pass = 0; pass < 8; pass++) {
    const before = found.size;
    for (const p of all) if (found.has(p.ppid)) found.add(p.pid);
    if (found.size === before) break;
  }
  return [...found].sort((a, b) => a - b);
}

/**
 * Last resort after an orderly stop: postgres processes the benchmark started
 * under `dir` that are still alive get SIGQUIT (immediate shutdown), then SIGKILL.
 * Signals go to those pids only.
 */
export async function killLeftovers(dir: string): Promise<number> {
  const first = processesUnder(dir);
  if (!first.length) return 0;
  for (const pid of first) {
    try {
      process.kill(pid, 'SIGQUIT');
    } catch {
      // already gone
    }
  }
  for (let i = 0; i < 50 && processesUnder(dir).length; i++) await sleep(100);
  for (const pid of processesUnder(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return first.length;
}

/**
 * Cleanup callbacks run once, in reverse order of registration, on normal
 * exit of main(), on an error, and on SIGINT/SIGTERM.
 */
export class Cleanup {
  private readonly steps: { name: string; fn: () => Promise<void> | void }[] = [];
  private running: Promise<void> | null = null;

  add(name: string, fn: () => Promise<void> | void): void {
    this.steps.push({ name, fn });
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step.fn();
        } catch (err) {
          console.error(`cleanup: ${step.name}: ${(err as Error).message}`);
        }
      }
    })();
    return this.running;
  }

  /**
   * Runs main, then the cleanup whatever happened; exits with a status.
   * SIGINT/SIGTERM and stray errors (an in-process engine may reject in the
   * background once stopped) start the cleanup too, and never cut it short.
   */
  async main(fn: () => Promise<void>): Promise<never> {
    let exiting = false;
    const finish = (code: number): void => {
      void this.run().finally(() => process.exit(code));
    };
    const onSignal = (sig: NodeJS.Signals): void => {
      if (exiting) {
        console.error(`${sig} again: still cleaning up`);
        return;
      }
      exiting = true;
      console.error(`\n${sig}: cleaning up`);
      finish(130);
    };
    const onStray = (err: unknown): void => {
      console.error(`${exiting ? 'ignored during cleanup' : 'error'}: ${(err as Error)?.stack ?? String(err)}`);
      if (exiting) return;
      exiting = true;
      finish(1);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('unhandledRejection', onStray);
    process.on('uncaughtException', onStray);
    let code = 0;
    try {
      await fn();
    } catch (err) {
      console.error(`error: ${(err as Error).stack ?? String(err)}`);
      code = 1;
    }
    if (exiting) return new Promise<never>(() => undefined); // a signal or stray error is already cleaning up and will exit
    exiting = true;
    await this.run();
    process.exit(code);
  }
}

/**
 * Other engines on this machine (test runs) allocate PostgreSQL ports from the
 * default base 25432 too; allocation checks a port is free, not that it stays
 * free, so two engines can collide. The benchmarks take a base of their own,
 * below the kernel's ephemeral range, unless PGDECK_PG_PORT_BASE is set.
 */
export function useOwnPortBase(): number {
  process.env.PGDECK_PG_PORT_BASE ??= String(27000 + 100 * Math.floor(Math.random() * 50));
  return Number(process.env.PGDECK_PG_PORT_BASE);
}

/** Machine-wide CPU counters from /proc/stat (all cores, in jiffies). */
export function cpuTimes(): { busy: number; iowait: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  return { busy: total - idle - iowait, iowait, total };
}

/** Percent of all cores busy between two cpuTimes() readings (this process and its children included). */
export function busyPercent(a: ReturnType<typeof cpuTimes>, b: ReturnType<typeof cpuTimes>): number {
  const dt = b.total - a.total;
  return dt > 0 ? (100 * (b.busy - a.busy)) / dt : Number.NaN;
}

/**
 * A client that inserts a row into `beats (at timestamptz)` every `cadenceMs` over verified TLS, reconnecting
 * at the same cadence while refused: the longest gap between two successful inserts is how long writes were refused.
 */
export class Writer {
  readonly ok: number[] = [];
  refused = 0;
  private stopped = false;
  private done: Promise<void> | null = null;

  constructor(private readonly svc: ServicePg, private readonly ca: string, private readonly cadenceMs = 20) {}

  start(maxMs: number): void {
    this.done = this.loop(now() + maxMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  /** The longest time between two successful inserts. */
  longestGap(): number {
    return this.ok.slice(1).reduce((max, at, i) => Math.max(max, at - (this.ok[i] as number)), 0);
  }

  private connect(): pg.Client {
    const p = this.svc['uri-params'] ?? {};
    const client = new pg.Client({
      host: p.host, port: Number(p.port), user: p.user, password: p.password, database: p.dbname,
      ssl: { ca: this.ca, rejectUnauthorized: true }, connectionTimeoutMillis: 2000,
    });
    client.on('error', () => undefined);
    return client;
  }

  private async loop(deadline: number): Promise<void> {
    let client: pg.Client | null = null;
    while (!this.stopped && now() < deadline) {
      const tick = now();
      try {
        if (!client) {
          client = this.connect();
          await client.connect();
        }
        await client.query('INSERT INTO beats (at) VALUES (clock_timestamp())');
        this.ok.push(now());
      } catch {
        this.refused++;
        await client?.end().catch(() => undefined);
        client = null;
      }
      await sleep(Math.max(0, this.cadenceMs - (now() - tick)));
    }
    await client?.end().catch(() => undefined);
  }
}

/** An in-process engine on a fresh data directory; `cleanup` stops it, ends any postgres left under it and removes it. */
export async function benchEngine(cleanup: Cleanup): Promise<TestEngine> {
  const t = await startEngine();
  cleanup.add('engine', async () => {
    await t.stop().catch((err: Error) => console.error(`engine stop: ${err.message}`));
    const left = await killLeftovers(t.dataDir);
    if (left) console.error(`cleanup: ${left} postgres processes were left and got SIGQUIT`);
    removeDataDir(t.dataDir);
  });
  return t;
}
