// The health watch (docs/design/ha.md §4.1): every second, each running
// service's master is asked one question on a new connection (a hung
// postmaster keeps old sessions answering, so a kept connection would call it
// healthy). The answer also samples each standby's lag for node-states. When
// no probe has succeeded for the service's failover window
// (pglookout-settings.max_failover_replication_time_lag, pglookout's meaning),
// the watch says so once; the supervisor decides what to do.
import type { ServiceRecord } from '../store/services';
import type { Engine } from './engine';

/** The contract's default and minimum for max_failover_replication_time_lag. */
export const DEFAULT_WINDOW_SECONDS = 60;

/** Seconds of master unavailability before a failover, as the service has it set. */
export function failoverWindow(svc: ServiceRecord): number {
  const v = (svc.settings['pglookout-settings'] as Record<string, unknown> | undefined)?.max_failover_replication_time_lag;
  return typeof v === 'number' && v >= 10 ? v : DEFAULT_WINDOW_SECONDS;
}

const PROBE_EVERY_MS = 1000;
const PROBE_TIMEOUT_MS = 2000;

interface ProbeRow {
  r: boolean;
  standbys: { name: string; state: string; sync: string; lag: string | null; lag_s: number | null }[] | null;
}

const PROBE_SQL = `SELECT pg_is_in_recovery() AS r,
  (SELECT json_agg(json_build_object('name', application_name, 'state', state, 'sync', sync_state,
     'lag', CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint::text END,
     'lag_s', COALESCE(EXTRACT(epoch FROM replay_lag), 0)))
   FROM pg_stat_replication) AS standbys`;

export interface HealthHooks {
  /** Services not watched right now (a planned stop, a failover under way): their clock restarts. */
  skip(svc: ServiceRecord): boolean;
  /** The master has not answered for the window; called again only after `resume`. */
  unavailable(svc: ServiceRecord, lastOk: Date, reason: string): void;
}

export class HealthWatch {
  private timer: NodeJS.Timeout | null = null;
  /** By service: when its master last answered (or when watching started). */
  private lastOk = new Map<string, number>();
  private lastProbe = new Map<string, number>();
  private probing = new Set<string>();
  /** Services reported unavailable and not resumed yet. */
  private reported = new Set<string>();
  private lastError = new Map<string, string>();

  constructor(private readonly engine: Engine, private readonly hooks: HealthHooks, private readonly everyMs = 200) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** After a failover or a planned stop: the clock starts again now. */
  resume(name: string): void {
    this.lastOk.set(name, Date.now());
    this.reported.delete(name);
  }

  private tick(): void {
    const { engine } = this;
    const now = Date.now();
    let services: ServiceRecord[];
    try {
      services = engine.services.list();
    } catch {
      return; // the store closed under a stopping engine
    }
    for (const svc of services) {
      if (this.hooks.skip(svc)) {
        this.resume(svc.name);
        continue;
      }
      if (!this.lastOk.has(svc.name)) this.lastOk.set(svc.name, now);
      if (!this.probing.has(svc.name) && now - (this.lastProbe.get(svc.name) ?? 0) >= PROBE_EVERY_MS) void this.probe(svc);
      const last = this.lastOk.get(svc.name) ?? now;
      if (!this.reported.has(svc.name) && now - last >= failoverWindow(svc) * 1000) {
        this.reported.add(svc.name);
        this.hooks.unavailable(svc, new Date(last), this.lastError.get(svc.name) ?? 'no answer');
      }
    }
  }

  private async probe(svc: ServiceRecord): Promise<void> {
    const { engine } = this;
    const master = engine.nodes.master(svc.name);
    if (!master) return;
    this.probing.add(svc.name);
    this.lastProbe.set(svc.name, Date.now());
    try {
      const [row] = await engine.runtime.probe<ProbeRow>(engine.spec(svc, master), PROBE_SQL, PROBE_TIMEOUT_MS);
      if (!row) throw new Error('no answer');
      if (row.r) throw new Error('the master is in recovery');
      this.lastOk.set(svc.name, Date.now());
      this.lastError.delete(svc.name);
      for (const s of row.standbys ?? []) {
        engine.samples.set(s.name, {
          at: Date.now(),
          lagBytes: Math.max(0, Number(s.lag ?? 0)),
          lagSeconds: Math.round(Number(s.lag_s ?? 0) * 1000) / 1000,
          syncState: s.sync,
          state: s.state,
        });
      }
    } catch (err) {
      this.lastError.set(svc.name, (err as Error).message);
    } finally {
      this.probing.delete(svc.name);
    }
  }
}
