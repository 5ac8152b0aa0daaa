// Every line a service's PostgreSQL nodes and PgBouncer logged, as the logs endpoint pages through it. In its own
// SQLite file (DATA/logs.db), apart from engine.db: lines arrive all the time, and losing the last second of them in
// a power cut costs less than making every control-plane write wait behind them (synchronous NORMAL here, FULL there).
// A line's id is its offset: it only grows, and is never reused (AUTOINCREMENT), so a page's offset stays valid while
// new lines arrive and old ones are dropped for the size cap.
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';

export interface LogLine {
  time: string;
  node: string;
  unit: 'postgresql' | 'pgbouncer';
  message: string;
}

export interface StoredLine extends LogLine {
  id: number;
}

/** Where ingestion stopped in one file: its identity (inode and birth time) and the next byte to read. */
export interface SourcePosition {
  file: string;
  fileId: string;
  position: number;
}

const SCHEMA = [
  `CREATE TABLE lines (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     service TEXT NOT NULL,
     node TEXT NOT NULL,
     unit TEXT NOT NULL,
     time TEXT NOT NULL,
     message TEXT NOT NULL
   );
   CREATE INDEX lines_by_service ON lines (service, id);
   CREATE TABLE sources (
     service TEXT NOT NULL,
     file TEXT NOT NULL,
     file_id TEXT NOT NULL,
     position INTEGER NOT NULL,
     PRIMARY KEY (service, file)
   );
   CREATE TABLE sizes (service TEXT PRIMARY KEY, bytes INTEGER NOT NULL);`,
];

export class LogStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    closeSync(openSync(file, 'a', 0o600));
    for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    const current = this.db.pragma('user_version', { simple: true }) as number;
    if (current > SCHEMA.length) throw new Error(`logs.db has schema version ${current}, newer than this engine's ${SCHEMA.length}`);
    for (let v = current; v < SCHEMA.length; v++) {
      this.db.transaction(() => {
        this.db.exec(SCHEMA[v] as string);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  close(): void {
    this.db.close();
  }

  /** Where each file of the service was read up to. */
  positions(service: string): Map<string, SourcePosition> {
    const rows = this.db.prepare('SELECT file, file_id AS fileId, position FROM sources WHERE service = ?').all(service) as SourcePosition[];
    return new Map(rows.map((r) => [r.file, r]));
  }

  /**
   * Appends lines and moves the files' positions in one transaction (a crash between them would read the lines
   * twice); then drops the oldest lines past `capBytes` of messages.
   */
  append(service: string, lines: LogLine[], at: SourcePosition[], capBytes: number): void {
    const insert = this.db.prepare('INSERT INTO lines (service, node, unit, time, message) VALUES (?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      let bytes = 0;
      for (const l of lines) {
        insert.run(service, l.node, l.unit, l.time, l.message);
        bytes += Buffer.byteLength(l.message);
      }
      const move = this.db.prepare(`INSERT INTO sources (service, file, file_id, position) VALUES (?, ?, ?, ?)
        ON CONFLICT (service, file) DO UPDATE SET file_id = excluded.file_id, position = excluded.position`);
      for (const a of at) move.run(service, a.file, a.fileId, a.position);
      if (!bytes) return;
      this.db.prepare(`INSERT INTO sizes (service, bytes) VALUES (?, ?) ON CONFLICT (service) DO UPDATE SET bytes = bytes + excluded.bytes`).run(service, bytes);
      const size = (this.db.prepare('SELECT bytes FROM sizes WHERE service = ?').get(service) as { bytes: number }).bytes;
      // a tenth below the cap, so that the delete is not paid on every append
      if (size > capBytes) this.trim(service, size, Math.floor(capBytes * 0.9));
    })();
  }

  /** Drops the oldest lines until at most `target` bytes of messages are left. */
  private trim(service: string, size: number, target: number): void {
    const batch = this.db.prepare('SELECT id, length(CAST(message AS BLOB)) AS n FROM lines WHERE service = ? AND id > ? ORDER BY id LIMIT 1000');
    let [excess, upTo, removed] = [size - target, 0, 0];
    while (excess > 0) {
      const rows = batch.all(service, upTo) as { id: number; n: number }[];
      if (!rows.length) break;
      for (const r of rows) {
        [upTo, excess, removed] = [r.id, excess - r.n, removed + r.n];
        if (excess <= 0) break;
      }
    }
    this.db.prepare('DELETE FROM lines WHERE service = ? AND id <= ?').run(service, upTo);
    this.db.prepare('UPDATE sizes SET bytes = bytes - ? WHERE service = ?').run(removed, service);
  }

  /** Forgets a file that is gone (its lines stay). */
  dropSource(service: string, file: string): void {
    this.db.prepare('DELETE FROM sources WHERE service = ? AND file = ?').run(service, file);
  }

  /** A page: `desc` from the newest (or before `offset`), `asc` from the oldest (or after `offset`). */
  page(service: string, order: 'asc' | 'desc', limit: number, offset: number | null): StoredLine[] {
    const sql = order === 'desc'
      ? `SELECT id, node, unit, time, message FROM lines WHERE service = ? AND id < ? ORDER BY id DESC LIMIT ?`
      : `SELECT id, node, unit, time, message FROM lines WHERE service = ? AND id > ? ORDER BY id ASC LIMIT ?`;
    const from = offset ?? (order === 'desc' ? Number.MAX_SAFE_INTEGER : 0);
    return this.db.prepare(sql).all(service, from, limit) as StoredLine[];
  }

  /** The bytes of messages kept for the service. */
  size(service: string): number {
    return (this.db.prepare('SELECT bytes FROM sizes WHERE service = ?').get(service) as { bytes: number } | undefined)?.bytes ?? 0;
  }

  /** Everything of a deleted service. */
  forget(service: string): void {
    this.db.transaction(() => {
      for (const t of ['lines', 'sources', 'sizes']) this.db.prepare(`DELETE FROM ${t} WHERE service = ?`).run(service);
    })();
  }
}
