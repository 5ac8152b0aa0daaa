// The metrics sampler's own sessions: one kept open per node (as the engine's
// superuser, database postgres, over the private socket) and one per PgBouncer
// admin console, instead of a new connection per sample. A new connection cost the
// engine 4-6 ms of CPU (SCRAM's PBKDF2, the startup; bench/RESULTS.md, metrics
// sampling): for 20 services every 10 s that alone was 2 % of a core, the whole
// budget. A session that fails, times out or is not used in a round is closed; the
// next round opens it again. Each costs the node one idle backend.
import pg from 'pg';
import { paths, SUPERUSER } from './instance';
import { BOUNCER_ADMIN } from './pgbouncer';

export interface SessionTarget {
  /** The directory whose run/ holds the socket (a node's root, or the service's for PgBouncer). */
  root: string;
  port: number;
  password: string;
  /** PostgreSQL as the superuser, or PgBouncer's admin console. */
  kind: 'postgres' | 'pgbouncer';
}

interface Session {
  client: pg.Client;
  ready: Promise<void>;
  /** What it was opened with: a changed port or secret opens a new one. */
  fingerprint: string;
  used: boolean;
}

export class MetricsSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly timeoutMs: number) {}

  /** One statement on the target's session (simple protocol: PgBouncer's console has no other). */
  async query<R extends pg.QueryResultRow>(key: string, target: SessionTarget, sql: string): Promise<R[]> {
    const session = this.open(key, target);
    session.used = true;
    try {
      await session.ready;
      return (await session.client.query<R>(sql)).rows;
    } catch (err) {
      this.close(key);
      throw err;
    }
  }

  /** Closes the sessions no query used since the last sweep (nodes and services gone), and marks the rest unused. */
  sweep(): void {
    for (const [key, s] of this.sessions) {
      if (!s.used) this.close(key);
      else s.used = false;
    }
  }

  closeAll(): void {
    for (const key of [...this.sessions.keys()]) this.close(key);
  }

  private open(key: string, target: SessionTarget): Session {
    const fingerprint = `${target.kind} ${target.root} ${target.port} ${target.password}`;
    const old = this.sessions.get(key);
    if (old?.fingerprint === fingerprint) return old;
    if (old) this.close(key);
    const client = new pg.Client({
      host: paths(target.root).run,
      port: target.port,
      password: target.password,
      connectionTimeoutMillis: this.timeoutMs,
      query_timeout: this.timeoutMs,
      ...(target.kind === 'postgres'
        ? { user: SUPERUSER, database: 'postgres', application_name: 'pgdeck metrics' }
        : { user: BOUNCER_ADMIN, database: 'pgbouncer' }),
    });
    // a server gone (stopped, fenced, restarted) ends the session; the next round opens another
    client.on('error', () => this.sessions.get(key)?.client === client && this.close(key));
    client.on('end', () => this.sessions.get(key)?.client === client && this.sessions.delete(key));
    const session: Session = { client, ready: client.connect().then(() => undefined), fingerprint, used: false };
    session.ready.catch(() => undefined);
    this.sessions.set(key, session);
    return session;
  }

  private close(key: string): void {
    const s = this.sessions.get(key);
    if (!s) return;
    this.sessions.delete(key);
    s.client.end().catch(() => undefined);
  }
}
