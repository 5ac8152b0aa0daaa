// SQLite persistence: one file in the data directory, WAL mode, numbered
// migrations. State is written here before the engine acts on it.
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';

export type Db = Database.Database;

const migrations: string[] = [
  `CREATE TABLE api_keys (
     key TEXT PRIMARY KEY,
     name TEXT NOT NULL UNIQUE,
     role TEXT NOT NULL CHECK (role IN ('admin','operator','viewer')),
     secret_sealed TEXT NOT NULL,
     created_at TEXT NOT NULL,
     revoked_at TEXT
   );
   CREATE TABLE services (
     name TEXT PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     plan TEXT NOT NULL,
     major TEXT NOT NULL,
     phase TEXT NOT NULL CHECK (phase IN ('creating','running','updating','deleting')),
     port INTEGER NOT NULL UNIQUE,
     admin_username TEXT NOT NULL,
     ip_filter TEXT NOT NULL,
     maintenance TEXT NOT NULL,
     backup_schedule TEXT NOT NULL,
     termination_protection INTEGER NOT NULL DEFAULT 0,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE databases (
     service TEXT NOT NULL REFERENCES services(name) ON DELETE CASCADE,
     name TEXT NOT NULL,
     lc_collate TEXT,
     lc_ctype TEXT,
     created_at TEXT NOT NULL,
     PRIMARY KEY (service, name)
   );
   CREATE TABLE users (
     service TEXT NOT NULL REFERENCES services(name) ON DELETE CASCADE,
     username TEXT NOT NULL,
     type TEXT NOT NULL CHECK (type IN ('primary','normal')),
     password_sealed TEXT NOT NULL,
     allow_replication INTEGER NOT NULL DEFAULT 0,
     created_at TEXT NOT NULL,
     PRIMARY KEY (service, username)
   );
   CREATE TABLE operations (
     id TEXT PRIMARY KEY,
     service TEXT NOT NULL,
     command TEXT NOT NULL,
     params TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('pending','success','failure')),
     reason TEXT,
     message TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX operations_pending ON operations(service) WHERE state = 'pending';
   CREATE TABLE notifications (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     service TEXT NOT NULL REFERENCES services(name) ON DELETE CASCADE,
     level TEXT NOT NULL,
     type TEXT NOT NULL,
     message TEXT NOT NULL,
     metadata TEXT NOT NULL,
     created_at TEXT NOT NULL
   );`,
  // Issue 4: settings as set through the API, a PgBouncer per service, connection pools.
  `ALTER TABLE services ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
   ALTER TABLE services ADD COLUMN pgbouncer_port INTEGER;
   CREATE UNIQUE INDEX services_pgbouncer_port ON services(pgbouncer_port);
   CREATE TABLE connection_pools (
     service TEXT NOT NULL REFERENCES services(name) ON DELETE CASCADE,
     name TEXT NOT NULL,
     database TEXT NOT NULL,
     mode TEXT NOT NULL CHECK (mode IN ('session','transaction','statement')),
     size INTEGER NOT NULL,
     username TEXT,
     created_at TEXT NOT NULL,
     PRIMARY KEY (service, name)
   );`,
  // Issue 8: each service's own OS user (engines run as root), and the secret only the engine holds
  // (its superuser's and PgBouncer admin's password), sealed.
  `ALTER TABLE services ADD COLUMN os_user TEXT;
   ALTER TABLE services ADD COLUMN engine_secret_sealed TEXT;`,
];

export function openDb(file: string): Db {
  // Readable by the engine only: SQLite gives its -wal and -shm files the database file's mode.
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(f)) chmodSync(f, 0o600);
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v] ?? '');
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

export const now = (): string => new Date().toISOString();
