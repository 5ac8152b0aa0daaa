// Who changed what (issue 16): every mutating request the engine answered, and each change of a service's tracked
// settings as before → after. Both in engine.db, written in the transaction of what they record where they can be.
//
// The actor (the key, the request's activity entry) travels with the request's async context, so a settings change
// made by the operation a request started, even seconds later, is told as that key's. What no request started (an
// engine start that finishes an interrupted operation, a maintenance the scheduler runs) has no actor: the engine's.
import { AsyncLocalStorage } from 'node:async_hooks';
import { isDeepStrictEqual } from 'node:util';
import type { ActivityEntry, ActivityRequest, SettingsChange, TrackedValues } from '@/lib/schemas/activity';
import { TRACKED_SETTINGS } from '@/lib/schemas/activity';
import { now, type Db } from './db';
import type { ServiceChangeLog, ServiceRecord } from './services';

export interface Actor {
  keyName: string;
  activityId: number;
}

export const actorContext = new AsyncLocalStorage<Actor>();

/** Kept: the newest ACTIVITY_KEPT entries, none older than ACTIVITY_MAX_AGE_DAYS (documented in the README). */
export const ACTIVITY_KEPT = 100_000;
export const ACTIVITY_MAX_AGE_DAYS = 90;

export interface NewActivity {
  keyName: string;
  keyRole: string;
  method: string;
  route: string;
  path: string;
  service: string | null;
  /** Already redacted. */
  body: unknown;
  client: string;
}

interface ActivityRow {
  id: number; time: string; key_name: string; key_role: string; method: string; route: string; path: string;
  service: string | null; body: string | null; status: number | null; operation_id: string | null; client: string;
  op_command: string | null; op_state: 'pending' | 'success' | 'failure' | null;
}

interface HistoryRow {
  id: number; time: string; key_name: string | null; activity_id: number | null; before: string | null; after: string;
}

/** The tracked fields of a service as its record holds them; unset ones as null. */
export function trackedValues(svc: ServiceRecord): Required<TrackedValues> {
  return {
    'pg-settings': svc.settings['pg-settings'] ?? {},
    'pgbouncer-settings': svc.settings['pgbouncer-settings'] ?? {},
    'pglookout-settings': svc.settings['pglookout-settings'] ?? {},
    'shared-buffers-percentage': svc.settings['shared-buffers-percentage'] ?? null,
    'work-mem': svc.settings['work-mem'] ?? null,
    'ip-filter': svc.ipFilter,
    plan: svc.plan,
    maintenance: svc.maintenance,
    'backup-schedule': svc.backupSchedule,
  };
}

export class ActivityStore implements ServiceChangeLog {
  constructor(private readonly db: Db) {}

  record(a: NewActivity): number {
    const r = this.db
      .prepare(`INSERT INTO activity (time, key_name, key_role, method, route, path, service, body, client)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(now(), a.keyName, a.keyRole, a.method, a.route, a.path, a.service, a.body === undefined ? null : JSON.stringify(a.body), a.client);
    return Number(r.lastInsertRowid);
  }

  /** The answer: its status, and the operation it started (its id, whatever the answer's shape named it). */
  answered(id: number, status: number, operationId: string | null): void {
    this.db.prepare('UPDATE activity SET status = ?, operation_id = ? WHERE id = ?').run(status, operationId, id);
  }

  /** Newest first; `withBodies` false (viewer keys) leaves every body out. */
  list(q: ActivityRequest, withBodies: boolean): { entries: ActivityEntry[]; next?: number } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.before !== undefined) { where.push('a.id < ?'); args.push(q.before); }
    if (q.service !== undefined) { where.push('a.service = ?'); args.push(q.service); }
    if (q.key !== undefined) { where.push('a.key_name = ?'); args.push(q.key); }
    if (q.since !== undefined) { where.push('a.time >= ?'); args.push(new Date(q.since).toISOString()); }
    if (q.until !== undefined) { where.push('a.time < ?'); args.push(new Date(q.until).toISOString()); }
    const limit = q.limit ?? 50;
    const rows = this.db
      .prepare(`SELECT a.*, o.command AS op_command, o.state AS op_state FROM activity a
                  LEFT JOIN operations o ON o.id = a.operation_id
                 ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id DESC LIMIT ?`)
      .all(...args, limit + 1) as ActivityRow[];
    const page = rows.slice(0, limit);
    return {
      entries: page.map((r) => ({
        id: r.id,
        time: r.time,
        key: { name: r.key_name, role: r.key_role },
        method: r.method,
        route: r.route,
        path: r.path,
        service: r.service,
        ...(withBodies && r.body !== null ? { body: JSON.parse(r.body) as unknown } : {}),
        status: r.status,
        operation: r.operation_id ? { id: r.operation_id, command: r.op_command, state: r.op_state } : null,
        client: r.client,
      })),
      ...(rows.length > limit ? { next: page.at(-1)?.id } : {}),
    };
  }

  /** Drops what is past the count or the age kept; answers how many entries went. */
  prune(kept = ACTIVITY_KEPT, maxAgeDays = ACTIVITY_MAX_AGE_DAYS): number {
    const cutoff = new Date(Date.now() - maxAgeDays * 86_400_000).toISOString();
    const byAge = this.db.prepare('DELETE FROM activity WHERE time < ?').run(cutoff).changes;
    const byCount = this.db.prepare('DELETE FROM activity WHERE id <= (SELECT id FROM activity ORDER BY id DESC LIMIT 1 OFFSET ?)').run(kept).changes;
    return byAge + byCount;
  }

  /**
   * Keeps a change of a service's tracked settings, if it changed any: each field it touched as it was and became.
   * Called by the service store in the transaction of the change itself.
   */
  recordChange(before: ServiceRecord | null, after: ServiceRecord): void {
    const a = trackedValues(after);
    const b = before ? trackedValues(before) : null;
    const changed = TRACKED_SETTINGS.filter((k) => !b || !isDeepStrictEqual(a[k], b[k]));
    if (!changed.length) return;
    const pick = (v: Required<TrackedValues>) => Object.fromEntries(changed.map((k) => [k, v[k]]));
    const actor = actorContext.getStore();
    this.db
      .prepare(`INSERT INTO settings_history (service, service_id, time, activity_id, key_name, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(after.name, after.id, now(), actor?.activityId ?? null, actor?.keyName ?? null, b ? JSON.stringify(pick(b)) : null, JSON.stringify(pick(a)));
  }

  /** A service's settings changes, newest first. */
  history(serviceId: string, limit = 50, before?: number): { history: SettingsChange[]; next?: number } {
    const rows = this.db
      .prepare(`SELECT id, time, key_name, activity_id, before, after FROM settings_history
                 WHERE service_id = ? ${before !== undefined ? 'AND id < ?' : ''} ORDER BY id DESC LIMIT ?`)
      .all(...(before !== undefined ? [serviceId, before] : [serviceId]), limit + 1) as HistoryRow[];
    const page = rows.slice(0, limit);
    return {
      history: page.map((r) => ({
        id: r.id,
        time: r.time,
        key: r.key_name,
        'activity-id': r.activity_id,
        before: r.before === null ? null : (JSON.parse(r.before) as Record<string, unknown>),
        after: JSON.parse(r.after) as Record<string, unknown>,
      })),
      ...(rows.length > limit ? { next: page.at(-1)?.id } : {}),
    };
  }

  /** A deleted service's history goes with it. */
  forgetService(serviceId: string): void {
    this.db.prepare('DELETE FROM settings_history WHERE service_id = ?').run(serviceId);
  }
}
