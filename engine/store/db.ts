// SQLite persistence: one file in the data directory, WAL mode, numbered
// migrations. State is written here before the engine acts on it.
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** A migration that rebuilds a table others reference runs with foreign keys off (SQLite's own procedure), checked after. */
interface Migration {
  sql: string;
  rebuildsTables?: boolean;
}

const migrations: (string | Migration)[] = [
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
  // Issue 9: a service is a set of nodes, each a PostgreSQL instance with its own port and directory. Every existing
  // service becomes a service with one master node. A service's first node lives in the service's own directory
  // ('' below), as every service did before; nodes added later in n<seq>/.
  {
    rebuildsTables: true,
    sql: `CREATE TABLE nodes (
       service TEXT NOT NULL REFERENCES services(name) ON DELETE CASCADE,
       name TEXT NOT NULL,
       seq INTEGER NOT NULL,
       dir TEXT NOT NULL,
       port INTEGER NOT NULL UNIQUE,
       major TEXT NOT NULL,
       role TEXT NOT NULL CHECK (role IN ('master','standby','read-replica')),
       state TEXT NOT NULL CHECK (state IN ('setting_up_vm','syncing_data','running','leaving','unknown')),
       progress TEXT NOT NULL DEFAULT '[]',
       created_at TEXT NOT NULL,
       PRIMARY KEY (service, name),
       UNIQUE (service, seq)
     );
     INSERT INTO nodes (service, name, seq, dir, port, major, role, state, created_at)
       SELECT name, name || '-1', 1, '', port, major, 'master',
              CASE phase WHEN 'creating' THEN 'setting_up_vm' WHEN 'deleting' THEN 'leaving' ELSE 'running' END, created_at
         FROM services;
     CREATE TABLE services_v5 (
       name TEXT PRIMARY KEY,
       id TEXT NOT NULL UNIQUE,
       plan TEXT NOT NULL,
       major TEXT NOT NULL,
       phase TEXT NOT NULL CHECK (phase IN ('creating','running','updating','deleting')),
       admin_username TEXT NOT NULL,
       ip_filter TEXT NOT NULL,
       maintenance TEXT NOT NULL,
       backup_schedule TEXT NOT NULL,
       termination_protection INTEGER NOT NULL DEFAULT 0,
       settings TEXT NOT NULL DEFAULT '{}',
       pgbouncer_port INTEGER,
       os_user TEXT,
       engine_secret_sealed TEXT,
       created_at TEXT NOT NULL,
       updated_at TEXT NOT NULL
     );
     INSERT INTO services_v5 SELECT name, id, plan, major, phase, admin_username, ip_filter, maintenance, backup_schedule,
       termination_protection, settings, pgbouncer_port, os_user, engine_secret_sealed, created_at, updated_at FROM services;
     DROP TABLE services;
     ALTER TABLE services_v5 RENAME TO services;
     CREATE UNIQUE INDEX services_pgbouncer_port ON services(pgbouncer_port);`,
  },
  // Issue 9: time-driven work (housekeeping now; backups and maintenance windows next), kept across restarts:
  // a job whose due time passed while the engine was stopped runs at the next start.
  `CREATE TABLE jobs (
     name TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     service TEXT REFERENCES services(name) ON DELETE CASCADE,
     due_at TEXT NOT NULL,
     last_run_at TEXT,
     last_result TEXT,
     created_at TEXT NOT NULL
   );
   CREATE INDEX jobs_due ON jobs(due_at);`,
  // Issue 11: the minor version each node runs (its binaries are kept until no node runs them); nodes made before
  // get the installed version of their major at the next start.
  `ALTER TABLE nodes ADD COLUMN version TEXT;`,
  // Issue 11: dbaas-task (an upgrade check today, a migration check next), readable at GET /v2/dbaas-task/{service}/{id}.
  `CREATE TABLE tasks (
     id TEXT PRIMARY KEY,
     service TEXT NOT NULL REFERENCES services(name) ON DELETE CASCADE,
     type TEXT NOT NULL,
     params TEXT NOT NULL DEFAULT '{}',
     success INTEGER,
     result TEXT NOT NULL DEFAULT '',
     result_codes TEXT NOT NULL DEFAULT '[]',
     created_at TEXT NOT NULL,
     finished_at TEXT
   );
   CREATE INDEX tasks_service ON tasks(service, created_at);`,
  // Issue 11: when each pending maintenance update was first seen, so its start-after and deadline survive restarts.
  `CREATE TABLE pending_updates (
     service TEXT NOT NULL REFERENCES services(name) ON DELETE CASCADE,
     key TEXT NOT NULL,
     first_seen TEXT NOT NULL,
     PRIMARY KEY (service, key)
   );`,
  // Issue 12: a migration into a service from another PostgreSQL server, and each source database's progress.
  // The source password is sealed, and only while the migration lives.
  `CREATE TABLE migrations (
     service TEXT PRIMARY KEY REFERENCES services(name) ON DELETE CASCADE,
     id TEXT NOT NULL,
     method TEXT,
     host TEXT NOT NULL,
     port INTEGER NOT NULL,
     ssl_mode TEXT NOT NULL,
     ca_pem TEXT,
     username TEXT NOT NULL,
     dbname TEXT NOT NULL,
     ignore_dbs TEXT NOT NULL DEFAULT '[]',
     password_sealed TEXT,
     status TEXT NOT NULL,
     error TEXT,
     source_major TEXT,
     operation TEXT,
     roles_created TEXT NOT NULL DEFAULT '[]',
     leftovers TEXT NOT NULL DEFAULT '[]',
     started_at TEXT NOT NULL,
     finished_at TEXT,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE migration_databases (
     service TEXT NOT NULL REFERENCES migrations(service) ON DELETE CASCADE,
     dbname TEXT NOT NULL,
     method TEXT NOT NULL,
     status TEXT NOT NULL,
     phase TEXT NOT NULL,
     error TEXT,
     created INTEGER NOT NULL DEFAULT 0,
     source_oid INTEGER,
     stop_lsn TEXT,
     tables_total INTEGER,
     tables_done INTEGER,
     bytes_total INTEGER,
     lag_bytes INTEGER,
     warning TEXT,
     updated_at TEXT NOT NULL,
     PRIMARY KEY (service, dbname)
   );`,
  // Issue 13: high availability. The service's own port (its URI's), equal to its master's node port until a
  // failover, after which the failover relay holds it; at most one master per service, whatever the code does;
  // the physical slot each standby streams from; every failover with its phases; read replicas.
  `ALTER TABLE services ADD COLUMN port INTEGER;
   UPDATE services SET port = (SELECT n.port FROM nodes n WHERE n.service = services.name AND n.role = 'master');
   CREATE UNIQUE INDEX services_port ON services(port);
   ALTER TABLE services ADD COLUMN sync_replication TEXT NOT NULL DEFAULT 'off' CHECK (sync_replication IN ('off','quorum'));
   CREATE UNIQUE INDEX nodes_one_master ON nodes(service) WHERE role = 'master';
   ALTER TABLE nodes ADD COLUMN slot TEXT;
   CREATE TABLE failovers (
     id TEXT PRIMARY KEY,
     service TEXT NOT NULL REFERENCES services(name) ON DELETE CASCADE,
     old_node TEXT NOT NULL,
     new_node TEXT,
     phase TEXT NOT NULL CHECK (phase IN ('fencing','promoting','repointing','rebuilding','done','held')),
     reason TEXT NOT NULL,
     window_s INTEGER NOT NULL,
     last_ok_at TEXT NOT NULL,
     started_at TEXT NOT NULL,
     promoted_at TEXT,
     writable_at TEXT,
     finished_at TEXT,
     candidates TEXT NOT NULL DEFAULT '[]',
     phases TEXT NOT NULL DEFAULT '{}',
     lost_bytes INTEGER,
     rebuild TEXT,
     message TEXT
   );
   CREATE INDEX failovers_service ON failovers(service, started_at);
   CREATE TABLE integrations (
     id TEXT PRIMARY KEY,
     type TEXT NOT NULL CHECK (type = 'read_replica'),
     source TEXT NOT NULL REFERENCES services(name),
     dest TEXT NOT NULL UNIQUE REFERENCES services(name) ON DELETE CASCADE,
     role TEXT NOT NULL,
     password_sealed TEXT NOT NULL,
     slot TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('building','streaming','promoting')),
     created_at TEXT NOT NULL
   );`,
  // Issue 16: who changed what. Every mutating request as the engine answered it (kept after its service is gone:
  // who deleted it is a question too), and each change of a service's tracked settings, before and after.
  `CREATE TABLE activity (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     time TEXT NOT NULL,
     key_name TEXT NOT NULL,
     key_role TEXT NOT NULL,
     method TEXT NOT NULL,
     route TEXT NOT NULL,
     path TEXT NOT NULL,
     service TEXT,
     body TEXT,
     status INTEGER,
     operation_id TEXT,
     client TEXT NOT NULL
   );
   CREATE INDEX activity_service ON activity(service, id);
   CREATE INDEX activity_key ON activity(key_name, id);
   CREATE INDEX activity_time ON activity(time);
   CREATE TABLE settings_history (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     service TEXT NOT NULL,
     service_id TEXT NOT NULL,
     time TEXT NOT NULL,
     activity_id INTEGER,
     key_name TEXT,
     before TEXT,
     after TEXT NOT NULL
   );
   CREATE INDEX settings_history_service ON settings_history(service_id, id);`,
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
  if (current > migrations.length) {
    throw new Error(`engine.db has schema version ${current}, newer than this engine's ${migrations.length}: run a newer engine`);
  }
  for (let v = current; v < migrations.length; v++) {
    const m = migrations[v] ?? '';
    const { sql, rebuildsTables } = typeof m === 'string' ? { sql: m, rebuildsTables: false } : m;
    // foreign_keys cannot change inside a transaction
    if (rebuildsTables) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(sql);
        if (rebuildsTables) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length) throw new Error(`migration ${v + 1} broke ${broken.length} foreign key(s)`);
        }
        db.pragma(`user_version = ${v + 1}`);
      })();
    } finally {
      if (rebuildsTables) db.pragma('foreign_keys = ON');
    }
  }
}

export const now = (): string => new Date().toISOString();
