// Metrics in their own SQLite file (DATA/metrics.db), apart from engine.db: a
// sample every few seconds must never wait on, or bloat, the store of record.
// One row per (service, time, column) holds every series' value as an array in
// METRICS order. Raw samples answer `hour`; each coarser resolution is
// averaged at write time (a running mean per bucket, with its count), so
// `year` reads about as many rows as `hour` and the current bucket shows at once.
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';

/** The series, in the order their values are stored: append only (older rows are then shorter). */
export const METRICS = [
  'cpu_usage', 'mem_usage', 'mem_available', 'disk_usage', 'disk_used', 'diskio_read_bytes', 'diskio_write_bytes', 'load_average',
  'pg_connections', 'pg_connections_usage', 'pg_tps', 'pg_cache_hit_ratio', 'pgbouncer_client_connections',
  'pgbouncer_server_connections', 'pgbouncer_waiting_clients', 'replication_lag_bytes', 'replication_lag_seconds',
  'wal_archive_lag_bytes',
] as const;
export type Metric = (typeof METRICS)[number];
export type MetricValues = Partial<Record<Metric, number>>;

export const PERIODS = ['hour', 'day', 'week', 'month', 'year'] as const;
export type Period = (typeof PERIODS)[number];

/** Per period: the table, its bucket (0: every raw sample) and how long it is kept, in seconds. */
export const RESOLUTIONS: Record<Period, { table: string; bucket: number; keep: number }> = {
  hour: { table: 'raw', bucket: 0, keep: 3600 },
  day: { table: 'm1', bucket: 60, keep: 86_400 },
  week: { table: 'm5', bucket: 300, keep: 7 * 86_400 },
  month: { table: 'm30', bucket: 1800, keep: 31 * 86_400 },
  year: { table: 'h6', bucket: 21_600, keep: 366 * 86_400 },
};
const ROLLED = PERIODS.filter((p) => RESOLUTIONS[p].bucket > 0).map((p) => RESOLUTIONS[p]);

/** One column of one sample: a node (`<node> (<role>)`), or `pgbouncer`. */
export interface SampleRow {
  column: string;
  values: MetricValues;
}

export interface StoredRow {
  /** Unix seconds: the sample's time, or its bucket's start. */
  t: number;
  column: string;
  values: MetricValues;
}

const SCHEMA_VERSION = 1;
const schema = [
  'CREATE TABLE services (id TEXT PRIMARY KEY)',
  // v: values in METRICS order (null where not sampled); c: how many samples each mean holds (rolled tables)
  ...['raw', ...ROLLED.map((r) => r.table)].map((t) =>
    `CREATE TABLE ${t} (service TEXT NOT NULL, t INTEGER NOT NULL, col TEXT NOT NULL, v TEXT NOT NULL, c TEXT, PRIMARY KEY (service, t, col)) WITHOUT ROWID`),
];

type Cell = number | null;
const toArray = (values: MetricValues): Cell[] => METRICS.map((m) => (typeof values[m] === 'number' && Number.isFinite(values[m]) ? values[m] : null));
const fromArray = (v: Cell[]): MetricValues =>
  Object.fromEntries(METRICS.flatMap((m, i) => (typeof v[i] === 'number' ? [[m, v[i]]] : []))) as MetricValues;

/** A bucket's running means with one more sample: each series averages the samples that had it. */
export function mergeMean(mean: Cell[], count: number[], sample: Cell[]): { mean: Cell[]; count: number[] } {
  const out: Cell[] = [];
  const n: number[] = [];
  for (let i = 0; i < METRICS.length; i++) {
    const m = mean[i] ?? null;
    const c = count[i] ?? 0;
    const x = sample[i] ?? null;
    if (x === null) {
      out.push(m);
      n.push(c);
    } else {
      out.push(m === null || c === 0 ? x : m + (x - m) / (c + 1));
      n.push(c + 1);
    }
  }
  return { mean: out, count: n };
}

export class MetricsStore {
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(private readonly db: Database.Database) {}

  /** Prepared once: a sampling round runs the same few statements many times. */
  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Opens (or makes) the file: 0600, WAL, synchronous NORMAL (losing the last samples to a power cut is fine). */
  static open(file: string): MetricsStore {
    closeSync(openSync(file, 'a', 0o600));
    for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 2000');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new Error(`${file} has metrics schema ${version}, newer than this engine's ${SCHEMA_VERSION}`);
    if (version < SCHEMA_VERSION) {
      // samples are not worth a migration: an older layout is dropped and sampling starts again
      db.transaction(() => {
        for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]) db.exec(`DROP TABLE "${name}"`);
        for (const sql of schema) db.exec(sql);
        db.pragma(`user_version = ${SCHEMA_VERSION}`);
      })();
    }
    return new MetricsStore(db);
  }

  get open(): boolean {
    return this.db.open;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** One sample of a service at `t` (unix seconds): the raw rows, and each coarser bucket's mean moved. */
  write(service: string, t: number, rows: SampleRow[]): void {
    const insertRaw = this.stmt('INSERT OR REPLACE INTO raw (service, t, col, v) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      this.stmt('INSERT OR IGNORE INTO services (id) VALUES (?)').run(service);
      for (const row of rows) {
        // three decimals are plenty, and the means are then exactly those of the raw rows kept
        const sample = toArray(row.values).map((x) => (x === null ? null : Math.round(x * 1000) / 1000));
        insertRaw.run(service, t, row.column, JSON.stringify(sample));
        for (const r of ROLLED) {
          const bucket = t - (t % r.bucket);
          const old = this.stmt(`SELECT v, c FROM ${r.table} WHERE service = ? AND t = ? AND col = ?`).get(service, bucket, row.column) as
            { v: string; c: string } | undefined;
          const { mean, count } = mergeMean(old ? (JSON.parse(old.v) as Cell[]) : [], old ? (JSON.parse(old.c) as number[]) : [], sample);
          this.stmt(`INSERT OR REPLACE INTO ${r.table} (service, t, col, v, c) VALUES (?, ?, ?, ?, ?)`)
            .run(service, bucket, row.column, JSON.stringify(mean), JSON.stringify(count));
        }
      }
    })();
  }

  /** A service's rows for a period, oldest first: raw samples for `hour`, bucket means for the others. */
  read(service: string, period: Period, now = Date.now() / 1000): StoredRow[] {
    const r = RESOLUTIONS[period];
    const since = Math.floor(now) - r.keep;
    const rows = this.stmt(`SELECT t, col, v FROM ${r.table} WHERE service = ? AND t >= ? ORDER BY t, col`)
      .all(service, r.bucket ? since - (since % r.bucket) : since) as { t: number; col: string; v: string }[];
    return rows.map((x) => ({ t: x.t, column: x.col, values: fromArray(JSON.parse(x.v) as Cell[]) }));
  }

  /** Removes what each resolution no longer keeps, and every series of a service not in `live` (deleted). */
  prune(live: Set<string>, now = Date.now() / 1000): void {
    const ids = (this.db.prepare('SELECT id FROM services').all() as { id: string }[]).map((r) => r.id);
    this.db.transaction(() => {
      for (const id of ids) {
        if (!live.has(id)) {
          this.remove(id);
          continue;
        }
        for (const r of Object.values(RESOLUTIONS)) {
          const since = Math.floor(now) - r.keep;
          this.stmt(`DELETE FROM ${r.table} WHERE service = ? AND t < ?`).run(id, r.bucket ? since - (since % r.bucket) : since);
        }
      }
    })();
  }

  /** Every series of a service. */
  remove(service: string): void {
    this.db.transaction(() => {
      for (const r of Object.values(RESOLUTIONS)) this.db.prepare(`DELETE FROM ${r.table} WHERE service = ?`).run(service);
      this.db.prepare('DELETE FROM services WHERE id = ?').run(service);
    })();
  }
}
