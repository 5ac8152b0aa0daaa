// Services, their databases, users and notifications.
import type { NotificationType } from '@/lib/schemas/notification-types';
import type { Db } from './db';
import { now } from './db';
import type { BackupSchedule, Maintenance } from '@/lib/schemas/common';
import type { PoolMode } from '@/lib/schemas/pool';
import type { ServiceSettings } from '@/lib/schemas/settings';

export type Phase = 'creating' | 'running' | 'updating' | 'deleting';

export interface ServiceRecord {
  name: string;
  id: string;
  plan: string;
  major: string;
  phase: Phase;
  adminUsername: string;
  ipFilter: string[];
  maintenance: Maintenance;
  backupSchedule: BackupSchedule;
  terminationProtection: boolean;
  /** Settings as set through the API (pg-settings, pgbouncer-settings, ...). */
  settings: ServiceSettings;
  /** PgBouncer's client port; null until one is allocated. */
  pgbouncerPort: number | null;
  /**
   * The service's own port, in its URI: its master's node port until a failover, after which the failover relay
   * listens on it and forwards to the new master. Never changes while the service exists.
   */
  port: number;
  /** `quorum`: a commit waits until one standby has flushed it (plans of 3 nodes or more). */
  syncReplication: 'off' | 'quorum';
  /** The OS user its processes run as (engines run as root); null: the engine's shared user, until it gets its own. */
  osUser: string | null;
  /** The password of its superuser and PgBouncer admin, which only the engine holds (sealed); null until made. */
  engineSecretSealed: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PoolRecord {
  name: string;
  database: string;
  mode: PoolMode;
  size: number;
  username: string | null;
}

export interface UserRecord {
  username: string;
  type: 'primary' | 'normal';
  passwordSealed: string;
  allowReplication: boolean;
}

export interface DatabaseRecord {
  name: string;
  lcCollate: string | null;
  lcCtype: string | null;
}

export interface NotificationRecord {
  level: 'notice' | 'warning';
  /** NotificationType when written; read back as stored (an older engine may have written others). */
  type: string;
  message: string;
  metadata: Record<string, unknown>;
  createdAt: string;
}

interface ServiceRow {
  name: string; id: string; plan: string; major: string; phase: Phase; admin_username: string;
  ip_filter: string; maintenance: string; backup_schedule: string; termination_protection: number;
  settings: string; pgbouncer_port: number | null; port: number | null; sync_replication: 'off' | 'quorum'; os_user: string | null; engine_secret_sealed: string | null;
  created_at: string; updated_at: string;
}

const toService = (r: ServiceRow): ServiceRecord => ({
  name: r.name,
  id: r.id,
  plan: r.plan,
  major: r.major,
  phase: r.phase,
  adminUsername: r.admin_username,
  ipFilter: JSON.parse(r.ip_filter) as string[],
  maintenance: JSON.parse(r.maintenance) as Maintenance,
  backupSchedule: JSON.parse(r.backup_schedule) as BackupSchedule,
  terminationProtection: r.termination_protection === 1,
  settings: JSON.parse(r.settings) as ServiceSettings,
  pgbouncerPort: r.pgbouncer_port,
  port: r.port ?? 0,
  syncReplication: r.sync_replication,
  osUser: r.os_user,
  engineSecretSealed: r.engine_secret_sealed,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Keeps the newest notifications only: they are a recent-events feed, not an audit log. */
const NOTIFICATIONS_KEPT = 20;

/** Where each change of a service's tracked settings is kept (the settings history: ActivityStore). */
export interface ServiceChangeLog {
  recordChange(before: ServiceRecord | null, after: ServiceRecord): void;
  forgetService(serviceId: string): void;
}

export class ServiceStore {
  constructor(readonly db: Db, private readonly activity?: ServiceChangeLog) {}

  get(name: string): ServiceRecord | undefined {
    const row = this.db.prepare('SELECT * FROM services WHERE name = ?').get(name) as ServiceRow | undefined;
    return row && toService(row);
  }

  list(): ServiceRecord[] {
    return (this.db.prepare('SELECT * FROM services ORDER BY name').all() as ServiceRow[]).map(toService);
  }

  /** Every port this engine's services hold, with the service: their nodes' and their PgBouncers'. */
  heldPorts(): { service: string; port: number }[] {
    return this.db.prepare(
      // the service's own port is its master's node port until a failover: listed once
      `SELECT service, port FROM nodes
       UNION SELECT name AS service, pgbouncer_port AS port FROM services WHERE pgbouncer_port IS NOT NULL
       UNION SELECT name AS service, port FROM services WHERE port IS NOT NULL`,
    ).all() as { service: string; port: number }[];
  }

  usedPorts(): Set<number> {
    return new Set(this.heldPorts().map((r) => r.port));
  }

  insert(s: Omit<ServiceRecord, 'createdAt' | 'updatedAt'>): void {
    this.db.transaction(() => {
      this.insertRow(s);
      const after = this.get(s.name);
      if (after) this.activity?.recordChange(null, after);
    })();
  }

  private insertRow(s: Omit<ServiceRecord, 'createdAt' | 'updatedAt'>): void {
    const t = now();
    this.db
      .prepare(
        `INSERT INTO services (name, id, plan, major, phase, admin_username, ip_filter, maintenance, backup_schedule,
           termination_protection, settings, pgbouncer_port, port, sync_replication, os_user, engine_secret_sealed, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.name, s.id, s.plan, s.major, s.phase, s.adminUsername, JSON.stringify(s.ipFilter),
        JSON.stringify(s.maintenance), JSON.stringify(s.backupSchedule), s.terminationProtection ? 1 : 0,
        JSON.stringify(s.settings), s.pgbouncerPort, s.port, s.syncReplication, s.osUser, s.engineSecretSealed, t, t);
  }

  update(name: string, patch: Partial<Pick<ServiceRecord, 'plan' | 'major' | 'phase' | 'ipFilter' | 'maintenance' | 'backupSchedule' | 'terminationProtection' | 'settings' | 'pgbouncerPort' | 'osUser' | 'engineSecretSealed' | 'port' | 'syncReplication' | 'adminUsername'>>): void {
    const cols: Record<string, unknown> = {};
    if (patch.adminUsername !== undefined) cols.admin_username = patch.adminUsername;
    if (patch.port !== undefined) cols.port = patch.port;
    if (patch.syncReplication !== undefined) cols.sync_replication = patch.syncReplication;
    if (patch.osUser !== undefined) cols.os_user = patch.osUser;
    if (patch.engineSecretSealed !== undefined) cols.engine_secret_sealed = patch.engineSecretSealed;
    if (patch.settings !== undefined) cols.settings = JSON.stringify(patch.settings);
    if (patch.pgbouncerPort !== undefined) cols.pgbouncer_port = patch.pgbouncerPort;
    if (patch.plan !== undefined) cols.plan = patch.plan;
    if (patch.major !== undefined) cols.major = patch.major;
    if (patch.phase !== undefined) cols.phase = patch.phase;
    if (patch.ipFilter !== undefined) cols.ip_filter = JSON.stringify(patch.ipFilter);
    if (patch.maintenance !== undefined) cols.maintenance = JSON.stringify(patch.maintenance);
    if (patch.backupSchedule !== undefined) cols.backup_schedule = JSON.stringify(patch.backupSchedule);
    if (patch.terminationProtection !== undefined) cols.termination_protection = patch.terminationProtection ? 1 : 0;
    const keys = Object.keys(cols);
    if (!keys.length) return;
    this.db.transaction(() => {
      const before = this.get(name);
      this.db
        .prepare(`UPDATE services SET ${keys.map((k) => `${k} = ?`).join(', ')}, updated_at = ? WHERE name = ?`)
        .run(...keys.map((k) => cols[k]), now(), name);
      const after = this.get(name);
      if (before && after) this.activity?.recordChange(before, after);
    })();
  }

  remove(name: string): void {
    this.db.transaction(() => {
      const svc = this.get(name);
      this.db.prepare('DELETE FROM services WHERE name = ?').run(name);
      if (svc) this.activity?.forgetService(svc.id);
    })();
  }

  // Databases
  databases(service: string): DatabaseRecord[] {
    return (this.db.prepare('SELECT name, lc_collate, lc_ctype FROM databases WHERE service = ? ORDER BY created_at, name').all(service) as
      { name: string; lc_collate: string | null; lc_ctype: string | null }[]).map((r) => ({ name: r.name, lcCollate: r.lc_collate, lcCtype: r.lc_ctype }));
  }

  database(service: string, name: string): DatabaseRecord | undefined {
    return this.databases(service).find((d) => d.name === name);
  }

  addDatabase(service: string, d: DatabaseRecord): void {
    this.db.prepare('INSERT INTO databases (service, name, lc_collate, lc_ctype, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(service, d.name, d.lcCollate, d.lcCtype, now());
  }

  removeDatabase(service: string, name: string): void {
    this.db.prepare('DELETE FROM databases WHERE service = ? AND name = ?').run(service, name);
  }

  // Connection pools
  pools(service: string): PoolRecord[] {
    return (this.db.prepare('SELECT name, database, mode, size, username FROM connection_pools WHERE service = ? ORDER BY created_at, name').all(service) as
      PoolRecord[]);
  }

  pool(service: string, name: string): PoolRecord | undefined {
    return this.db.prepare('SELECT name, database, mode, size, username FROM connection_pools WHERE service = ? AND name = ?').get(service, name) as
      PoolRecord | undefined;
  }

  addPool(service: string, p: PoolRecord): void {
    this.db.prepare('INSERT INTO connection_pools (service, name, database, mode, size, username, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(service, p.name, p.database, p.mode, p.size, p.username, now());
  }

  updatePool(service: string, p: PoolRecord): void {
    this.db.prepare('UPDATE connection_pools SET database = ?, mode = ?, size = ?, username = ? WHERE service = ? AND name = ?')
      .run(p.database, p.mode, p.size, p.username, service, p.name);
  }

  removePool(service: string, name: string): void {
    this.db.prepare('DELETE FROM connection_pools WHERE service = ? AND name = ?').run(service, name);
  }

  // Users
  users(service: string): UserRecord[] {
    return (this.db.prepare('SELECT * FROM users WHERE service = ? ORDER BY type DESC, created_at, username').all(service) as
      { username: string; type: 'primary' | 'normal'; password_sealed: string; allow_replication: number }[]).map((r) => ({
      username: r.username, type: r.type, passwordSealed: r.password_sealed, allowReplication: r.allow_replication === 1,
    }));
  }

  user(service: string, username: string): UserRecord | undefined {
    return this.users(service).find((u) => u.username === username);
  }

  addUser(service: string, u: UserRecord): void {
    this.db.prepare('INSERT INTO users (service, username, type, password_sealed, allow_replication, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(service, u.username, u.type, u.passwordSealed, u.allowReplication ? 1 : 0, now());
  }

  updateUser(service: string, username: string, patch: { passwordSealed?: string; allowReplication?: boolean }): void {
    if (patch.passwordSealed !== undefined) {
      this.db.prepare('UPDATE users SET password_sealed = ? WHERE service = ? AND username = ?').run(patch.passwordSealed, service, username);
    }
    if (patch.allowReplication !== undefined) {
      this.db.prepare('UPDATE users SET allow_replication = ? WHERE service = ? AND username = ?').run(patch.allowReplication ? 1 : 0, service, username);
    }
  }

  removeUser(service: string, username: string): void {
    this.db.prepare('DELETE FROM users WHERE service = ? AND username = ?').run(service, username);
  }

  // Notifications
  notify(service: string, n: Omit<NotificationRecord, 'createdAt' | 'type'> & { type: NotificationType }): void {
    this.db.prepare('INSERT INTO notifications (service, level, type, message, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(service, n.level, n.type, n.message, JSON.stringify(n.metadata), now());
    this.db.prepare(
      'DELETE FROM notifications WHERE service = ? AND id NOT IN (SELECT id FROM notifications WHERE service = ? ORDER BY id DESC LIMIT ?)',
    ).run(service, service, NOTIFICATIONS_KEPT);
  }

  notifications(service: string): NotificationRecord[] {
    return (this.db.prepare('SELECT * FROM notifications WHERE service = ? ORDER BY id DESC').all(service) as
      { level: 'notice' | 'warning'; type: string; message: string; metadata: string; created_at: string }[]).map((r) => ({
      level: r.level, type: r.type, message: r.message, metadata: JSON.parse(r.metadata) as Record<string, unknown>, createdAt: r.created_at,
    }));
  }

  /** When a pending update was first seen (`now` when it is new); every other update of the service is forgotten. */
  updatesSeen(service: string, keys: string[], now: Date): Map<string, Date> {
    return this.db.transaction(() => {
      const insert = this.db.prepare('INSERT OR IGNORE INTO pending_updates (service, key, first_seen) VALUES (?, ?, ?)');
      for (const key of keys) insert.run(service, key, now.toISOString());
      const rows = this.db.prepare('SELECT key, first_seen FROM pending_updates WHERE service = ?').all(service) as { key: string; first_seen: string }[];
      const seen = new Map<string, Date>();
      for (const r of rows) {
        if (keys.includes(r.key)) seen.set(r.key, new Date(r.first_seen));
        else this.db.prepare('DELETE FROM pending_updates WHERE service = ? AND key = ?').run(service, r.key);
      }
      return seen;
    })();
  }
}
