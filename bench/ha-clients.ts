// The clients bench/ha.ts drives a service with: a writer that reconnects
// through the URI and notes which backend took each commit, writers at full
// speed that keep every (writer, seq) the server acknowledged, pgbench with a
// passfile (never the password on its command line), and the replication lag
// as a standby sees probe rows arrive.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { ServicePg } from '@/lib/schemas/service';
import { passfileText } from '../engine/runtime/migration-source';
import { run } from '../engine/runtime/process';
import { now, sleep } from './common';

const PGBENCH = '/usr/lib/postgresql/15/bin/pgbench';

/** node-postgres settings for the service's URI, on another port when given (a node's own, a standby's), TLS verified. */
export function clientConfig(svc: ServicePg, ca: string, port?: number): pg.ClientConfig {
  const p = svc['uri-params'] ?? {};
  return {
    host: p.host, port: port ?? Number(p.port), user: p.user, password: p.password, database: p.dbname,
    ssl: { ca, rejectUnauthorized: true }, connectionTimeoutMillis: 2000,
  };
}

/** A client whose connection errors surface in its queries, not as an unhandled event. */
function newClient(cfg: pg.ClientConfig): pg.Client {
  const client = new pg.Client(cfg);
  client.on('error', () => undefined);
  return client;
}

export interface Commit {
  /** performance.now() when the commit was acknowledged */
  at: number;
  /** the row's id in beats */
  id: number;
  pid: number;
  port: number;
}

/**
 * Inserts into `beats` every `cadenceMs` on one connection, as an application would; on an error it reconnects
 * through the URI every `cadenceMs`. Each commit notes its backend (pid, server port), so the first commit of a new
 * backend after an event tells when the service took writes again.
 */
export class UriWriter {
  readonly commits: Commit[] = [];
  lastError = '';
  private stopped = false;
  private done: Promise<void> | null = null;

  constructor(private readonly cfg: pg.ClientConfig, private readonly cadenceMs = 50) {}

  start(maxMs: number): void {
    this.done = this.loop(now() + maxMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  last(): Commit | undefined {
    return this.commits.at(-1);
  }

  /** The first commit after `since` by a backend other than `pid`. */
  firstNewBackend(since: number, pid: number): Commit | undefined {
    return this.commits.find((c) => c.at > since && c.pid !== pid);
  }

  /** The last commit by backend `pid` (the hung master's session keeps committing until it is fenced). */
  lastBy(pid: number): Commit | undefined {
    return this.commits.findLast((c) => c.pid === pid);
  }

  private async loop(deadline: number): Promise<void> {
    let client: pg.Client | null = null;
    while (!this.stopped && now() < deadline) {
      const tick = now();
      try {
        if (!client) {
          client = newClient(this.cfg);
          await client.connect();
        }
        const { rows } = await client.query<{ id: string; pid: number; port: number }>(
          'INSERT INTO beats (at) VALUES (clock_timestamp()) RETURNING id, pg_backend_pid() AS pid, inet_server_port() AS port');
        this.commits.push({ at: now(), id: Number(rows[0]?.id), pid: rows[0]?.pid ?? 0, port: rows[0]?.port ?? 0 });
      } catch (err) {
        this.lastError = (err as Error).message;
        await client?.end().catch(() => undefined);
        client = null;
      }
      await sleep(Math.max(0, this.cadenceMs - (now() - tick)));
    }
    await client?.end().catch(() => undefined);
  }
}

/** What one full-speed writer had acknowledged: its seqs, and when (performance.now()). */
export interface Acked {
  seqs: number[];
  ats: number[];
}

/**
 * Inserts (run, writer, seq) into `acked` as fast as it can through the URI, reconnecting every 100 ms, and keeps
 * every seq the server acknowledged. No statement timeout: a cancelled wait for a standby would report success for
 * a commit not replicated.
 */
export async function ackWriter(cfg: pg.ClientConfig, runNo: number, writer: number, running: () => boolean, out: Acked): Promise<void> {
  let seq = 0;
  while (running()) {
    const client = newClient(cfg);
    try {
      await client.connect();
      while (running()) {
        seq++;
        await client.query('INSERT INTO acked (run, writer, seq) VALUES ($1, $2, $3)', [runNo, writer, seq]);
        out.seqs.push(seq);
        out.ats.push(now());
      }
    } catch {
      // the commit's fate is unknown: it is not counted
    } finally {
      await client.end().catch(() => undefined);
    }
    if (running()) await sleep(100);
  }
}

/** The numbers of a pgbench run: tps without the initial connection time, average latency in ms. */
export interface PgbenchResult {
  tps: number;
  latencyMs: number;
  out: string;
}

/**
 * pgbench (Debian's 15, which speaks to every major) as the service's admin with sslmode=require, through its URI
 * or on another port; the password reaches it in a 0600 passfile in `dir`, rewritten for the port of each run.
 */
export class Pgbench {
  private readonly passfile: string;

  constructor(private readonly svc: ServicePg, dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.passfile = join(dir, 'pgpass');
  }

  async run(args: string[], opts: { port?: number; timeoutMs: number }): Promise<PgbenchResult> {
    const p = this.svc['uri-params'] ?? {};
    const port = opts.port ?? Number(p.port);
    writeFileSync(this.passfile, passfileText({ host: p.host ?? '', port, username: p.user ?? '', password: p.password ?? '' }), { mode: 0o600 });
    const env = {
      PGHOST: p.host ?? '', PGPORT: String(port), PGUSER: p.user ?? '', PGDATABASE: p.dbname ?? '',
      PGPASSFILE: this.passfile, PGSSLMODE: 'require', LC_MESSAGES: 'C',
    };
    const out = await run(PGBENCH, args, { env, timeoutMs: opts.timeoutMs });
    const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(out)?.[1] ?? /tps = ([\d.]+)/.exec(out)?.[1]);
    return { tps, latencyMs: Number(/latency average = ([\d.]+) ms/.exec(out)?.[1]), out };
  }
}

/**
 * Replication lag as a standby sees it: a row (id, clock_timestamp()) inserted on the master every 100 ms, and a
 * poller on each standby noting clock_timestamp() − at when the row appears (one machine, one clock).
 */
export class LagProbe {
  readonly lags = new Map<number, number[]>();
  inserted = 0;
  private stopped = false;

  constructor(private readonly master: pg.Client, private readonly standbys: Map<number, pg.Client>) {}

  /** Inserts until `until` resolves, polls until every inserted row was seen (bounded by `deadline`). */
  async run(until: Promise<unknown>, deadline: number): Promise<void> {
    const stop = (): void => { this.stopped = true; };
    until.then(stop, stop);
    const pollers = [...this.standbys].map(([port, c]) => this.poll(port, c, deadline));
    while (!this.stopped && now() < deadline) {
      const tick = now();
      this.inserted += 1;
      await this.master.query('INSERT INTO probe VALUES ($1, clock_timestamp())', [this.inserted]);
      await sleep(Math.max(0, 100 - (now() - tick)));
    }
    await until;
    this.stopped = true;
    await Promise.all(pollers);
  }

  private async poll(port: number, client: pg.Client, deadline: number): Promise<void> {
    const lags: number[] = [];
    this.lags.set(port, lags);
    let last = 0;
    while (now() < deadline && !(this.stopped && last >= this.inserted)) {
      const { rows } = await client.query<{ id: number; lag: number }>(
        'SELECT id, (extract(epoch FROM clock_timestamp() - at) * 1000)::float8 AS lag FROM probe WHERE id > $1 ORDER BY id', [last]);
      for (const r of rows) lags.push(r.lag);
      last = rows.at(-1)?.id ?? last;
      await sleep(10);
    }
  }
}
