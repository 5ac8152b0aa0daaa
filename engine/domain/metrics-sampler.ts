// Every few seconds (config metricsIntervalMs), one sample of every service
// from its real processes and servers, written to the metrics store: per node,
// CPU, memory and disk I/O of its postmaster and children (the master's column
// adds PgBouncer and the failover relay), bytes on disk, connections, TPS and
// cache hits (deltas of pg_stat_database), the lag of each standby or replica
// (pg_stat_replication) and the WAL not yet archived (pg_wal/archive_status);
// PgBouncer's clients and servers from SHOW POOLS. One query per node and one on
// PgBouncer's admin console per round, on sessions kept open; the rest is /proc.
import { DirSizer, loadAverage, procUsage, type ProcUsage } from '../runtime/metrics-proc';
import { MetricsSessions } from '../runtime/metrics-sessions';
import type { MetricValues, SampleRow } from '../store/metrics';
import type { ServiceRecord } from '../store/services';
import type { Engine } from './engine';
import { frontDir } from './failover';
import { diskAlert } from './disk-alert';
import { DATABASES_BYTES_SQL, WAL_BYTES_SQL } from './disk-use';
import { findPlan } from './plans';

const GiB = 1024 ** 3;
/** A sample's queries are bounded (connecting included): a hung server costs one round this long, not the sampler. */
const QUERY_TIMEOUT_MS = 3000;
/** Retention is applied and deleted services' series removed this often. */
const PRUNE_EVERY_S = 60;

interface NodeStats {
  backends: number;
  max_connections: number;
  xacts: number;
  blks_hit: number;
  blks_read: number;
  db_bytes: number;
  wal_bytes: number;
  current_lsn: string | null;
  wal_ready: number;
  wal_segment_size: number;
  replication: { name: string; bytes: number | null; seconds: number | null }[] | null;
}

// One statement (one connection): the engine's own session is not counted among the connections.
const STATS_SQL = `SELECT
  (SELECT coalesce(sum(numbackends), 0) FROM pg_stat_database WHERE datname IS NOT NULL)::float8 - 1 AS backends,
  current_setting('max_connections')::float8 AS max_connections,
  (SELECT sum(xact_commit + xact_rollback) FROM pg_stat_database)::float8 AS xacts,
  (SELECT sum(blks_hit) FROM pg_stat_database)::float8 AS blks_hit,
  (SELECT sum(blks_read) FROM pg_stat_database)::float8 AS blks_read,
  ${DATABASES_BYTES_SQL} AS db_bytes,
  ${WAL_BYTES_SQL} AS wal_bytes,
  CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END AS current_lsn,
  (SELECT count(*) FROM pg_ls_archive_statusdir() WHERE name ~ '^[0-9A-F]{24}\\.ready$')::float8 AS wal_ready,
  (SELECT setting::float8 FROM pg_settings WHERE name = 'wal_segment_size') AS wal_segment_size,
  CASE WHEN pg_is_in_recovery() THEN NULL ELSE (SELECT json_agg(json_build_object('name', application_name,
    'bytes', pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 'seconds', extract(epoch FROM replay_lag))) FROM pg_stat_replication) END AS replication`;

/** Counters of the previous sample of a node, for rates. */
interface Counters {
  t: number;
  pid: number;
  usage: ProcUsage;
  xacts?: number;
  hits?: number;
  reads?: number;
}

const lsnBytes = (lsn: string): number => {
  const [hi, lo] = lsn.split('/');
  return parseInt(hi ?? '0', 16) * 2 ** 32 + parseInt(lo ?? '0', 16);
};

/**
 * Bytes of WAL written and not archived yet: the finished segments waiting for the archiver (their .ready files in
 * pg_wal/archive_status), and what the current segment holds (archived when it is switched, at archive_timeout).
 */
export function archiveLagBytes(currentLsn: string, readySegments: number, segmentSize: number): number {
  return readySegments * segmentSize + (segmentSize > 0 ? lsnBytes(currentLsn) % segmentSize : 0);
}

const label = (name: string, role: string) => `${name} (${role})`;

export class MetricsSampler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly previous = new Map<string, Counters>();
  private readonly backups = new DirSizer();
  private readonly sessions = new MetricsSessions(QUERY_TIMEOUT_MS);
  private lastPrune = 0;
  /** Services told their disk is nearly full, by id: told again only after it went below DISK_CLEAR_PERCENT. */
  private diskWarned = new Set<string>();
  /** The last failure told per service: told again only when it changes. */
  private readonly told = new Map<string, string>();

  constructor(private readonly engine: Engine) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.round(), this.engine.config.metricsIntervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a round in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    this.sessions.closeAll();
  }

  /** One sample of every service; a round still running when the next is due makes that one skip. */
  round(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.sampleAll().catch((err: Error) => console.error(`metrics: sampling failed: ${err.message}`)).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** A disk past DISK_WARN_PERCENT of the plan's is a warning on the service, once until it is below DISK_CLEAR_PERCENT. */
  private checkDisk(svc: ServiceRecord, rows: SampleRow[]): void {
    const usage = Math.max(-1, ...rows.map((r) => r.values.disk_usage ?? -1));
    const change = diskAlert(this.diskWarned.has(svc.id), usage < 0 ? undefined : usage);
    // deleted during the round: nothing to tell
    if (!change || !this.engine.services.get(svc.name)) return;
    const plan = findPlan(svc.plan);
    if (change === 'warn') this.diskWarned.add(svc.id);
    else this.diskWarned.delete(svc.id);
    this.engine.services.notify(svc.name, change === 'warn'
      ? {
        level: 'warning',
        type: 'service_disk_nearly_full',
        message: `Disk space is ${usage.toFixed(1)} % used (data, WAL and backups) of the plan's ${plan?.diskGiB ?? '?'} GiB: free some, or move to a plan with more disk`,
        metadata: { 'disk-usage-percent': Math.round(usage * 10) / 10 },
      }
      : {
        level: 'notice',
        type: 'service_disk_space_recovered',
        message: `Disk space is back to ${usage.toFixed(1)} % used`,
        metadata: { 'disk-usage-percent': Math.round(usage * 10) / 10 },
      });
  }

  private async sampleAll(): Promise<void> {
    const { engine } = this;
    const t = Math.floor(Date.now() / 1000);
    const load = loadAverage();
    const services = engine.services.list();
    for (const svc of services) {
      // one service that cannot be sampled (its binaries or OS user gone) leaves the others' samples
      const rows = await this.sampleService(svc, t, load).catch((err: Error) => {
        this.warnOnce(svc.id, `metrics: ${svc.name} could not be sampled: ${err.message}`);
        return [];
      });
      if (!engine.metrics.open) return; // the engine stopped meanwhile
      if (rows.length) engine.metrics.write(svc.id, t, rows);
      this.checkDisk(svc, rows);
    }
    this.sessions.sweep();
    if (t - this.lastPrune >= PRUNE_EVERY_S) {
      this.lastPrune = t;
      const live = new Set(services.map((s) => s.id));
      engine.metrics.prune(live);
      for (const key of this.previous.keys()) if (!live.has(key.split('/')[0] ?? '')) this.previous.delete(key);
      for (const id of this.told.keys()) if (!live.has(id)) this.told.delete(id);
    }
  }

  private async sampleService(svc: ServiceRecord, t: number, load: number): Promise<SampleRow[]> {
    const { engine } = this;
    const plan = findPlan(svc.plan);
    if (!plan) return [];
    const columns = new Map<string, MetricValues>();
    const column = (name: string): MetricValues => {
      let v = columns.get(name);
      if (!v) columns.set(name, (v = {}));
      return v;
    };
    const nodes = engine.nodes.list(svc.name);
    const master = engine.nodes.master(svc.name);
    for (const node of nodes) {
      // a node being built (a standby syncing, an upgrade's new server being restored into) is its operation's: a
      // session kept in its postgres database would stop the upgrade's DROP DATABASE postgres
      if (node.state !== 'running') continue;
      const root = engine.nodeRoot(svc, node);
      const pid = engine.runtime.pid(root);
      if (pid === null) continue;
      const isMaster = node.name === master?.name;
      const spec = engine.spec(svc, node);
      const v = column(label(node.name, node.role));
      const extra = isMaster ? this.servicePids(svc) : [];
      const usage = procUsage([pid, ...extra]);
      const stats = await this.sessions.query<NodeStats>(`${svc.id}/${node.name}`, { kind: 'postgres', root, port: node.port, password: spec.password }, STATS_SQL)
        .then((r) => r[0] ?? null, () => null);
      const backupBytes = isMaster ? this.backups.size(engine.backupRoot(svc)) : 0;
      v.load_average = load;
      v.mem_usage = (100 * usage.memoryBytes) / (plan.memoryGiB * GiB);
      v.mem_available = Math.max(0, 100 - v.mem_usage);
      if (stats) {
        const used = stats.db_bytes + stats.wal_bytes + backupBytes;
        v.disk_used = used;
        v.disk_usage = (100 * used) / (plan.diskGiB * GiB);
        v.pg_connections = Math.max(0, stats.backends);
        v.pg_connections_usage = (100 * v.pg_connections) / stats.max_connections;
        if (stats.current_lsn) v.wal_archive_lag_bytes = archiveLagBytes(stats.current_lsn, stats.wal_ready, stats.wal_segment_size);
        for (const r of stats.replication ?? []) {
          // the service's standbys and its read replicas' nodes; not a pg_basebackup copying a new one
          const peer = [...nodes, ...engine.integrations.replicasOf(svc.name).flatMap((i) => engine.nodes.list(i.dest))].find((n) => n.name === r.name);
          if (!peer) continue;
          const lag = column(label(r.name, peer.role));
          if (r.bytes !== null) lag.replication_lag_bytes = Math.max(0, r.bytes);
          lag.replication_lag_seconds = r.seconds ?? 0;
        }
      }
      this.rates(`${svc.id}/${node.name}`, { t, pid, usage, xacts: stats?.xacts, hits: stats?.blks_hit, reads: stats?.blks_read }, v, plan.cpus);
    }
    await this.sampleBouncer(svc, column);
    return [...columns].map(([name, values]) => ({ column: name, values }));
  }

  private warnOnce(id: string, message: string): void {
    if (this.told.get(id) === message) return;
    this.told.set(id, message);
    console.error(message);
  }

  /** PgBouncer's and the relay's pids: they serve the master, and count in its column. */
  private servicePids(svc: ServiceRecord): number[] {
    const root = this.engine.serviceRoot(svc);
    return [this.engine.bouncer?.pid(root) ?? null, this.engine.front.pid(frontDir(this.engine, svc))].filter((p): p is number => p !== null);
  }

  /** Rates since the node's previous sample; none after a restart or a reset of the statistics. */
  private rates(key: string, now: Counters, v: MetricValues, cpus: number): void {
    const before = this.previous.get(key);
    this.previous.set(key, now);
    if (!before || before.pid !== now.pid) return;
    const dt = now.t - before.t;
    if (dt <= 0) return;
    const rate = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && a >= b ? (a - b) / dt : undefined);
    const cpu = rate(now.usage.cpuSeconds, before.usage.cpuSeconds);
    if (cpu !== undefined) v.cpu_usage = (100 * cpu) / cpus;
    v.diskio_read_bytes = rate(now.usage.readBytes, before.usage.readBytes);
    v.diskio_write_bytes = rate(now.usage.writeBytes, before.usage.writeBytes);
    v.pg_tps = rate(now.xacts, before.xacts);
    const hits = rate(now.hits, before.hits);
    const reads = rate(now.reads, before.reads);
    if (hits !== undefined && reads !== undefined && hits + reads > 0) v.pg_cache_hit_ratio = (100 * hits) / (hits + reads);
  }

  private async sampleBouncer(svc: ServiceRecord, column: (name: string) => MetricValues): Promise<void> {
    const { engine } = this;
    const root = engine.serviceRoot(svc);
    const master = engine.nodes.master(svc.name);
    if (!engine.bouncer || svc.pgbouncerPort === null || !master || engine.bouncer.pid(root) === null) return;
    const { password } = engine.spec(svc, master);
    type Pool = Record<'database' | 'cl_active' | 'cl_waiting' | 'sv_active' | 'sv_idle' | 'sv_used' | 'sv_tested' | 'sv_login', string | number>;
    const pools = await this.sessions.query<Pool>(`${svc.id}/pgbouncer`, { kind: 'pgbouncer', root, password, port: svc.pgbouncerPort }, 'SHOW POOLS')
      .catch(() => null);
    if (!pools) return;
    const sum = (keys: (keyof Pool)[]) => pools.filter((p) => p.database !== 'pgbouncer').reduce((s, p) => s + keys.reduce((k, key) => k + Number(p[key]), 0), 0);
    const v = column('pgbouncer');
    v.pgbouncer_client_connections = sum(['cl_active', 'cl_waiting']);
    v.pgbouncer_waiting_clients = sum(['cl_waiting']);
    v.pgbouncer_server_connections = sum(['sv_active', 'sv_idle', 'sv_used', 'sv_tested', 'sv_login']);
  }
}
