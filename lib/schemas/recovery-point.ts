// Where a fork is restored to: its source's latest state, one of its listed
// backups, or any second of its recoverable window. The restore dialog and the
// create form hold the same three fields, checked by the same rule, and send
// the same body fields.
import { z } from 'zod';
import { formatUtc } from '../time';
import type { CreateService, RecoveryWindow, ServicePg } from './service';

export const recoveryPoints = ['latest', 'backup', 'time'] as const;
export type RecoveryPoint = (typeof recoveryPoints)[number];

/** A form's fields: the choice, the chosen backup's `backup-time`, and a typed time (see parseRecoveryTime). */
export const recoveryPointFields = {
  recoveryPoint: z.enum(recoveryPoints),
  recoveryBackup: z.string(),
  recoveryTime: z.string(),
};
export type RecoveryPointValues = { recoveryPoint: RecoveryPoint; recoveryBackup: string; recoveryTime: string };

/** What a source offers: a point in time only where the upstream tells its window (pgdeck's extension), a backup when it lists one. */
export function offeredPoints(source: Pick<ServicePg, 'backups' | 'pgdeck-recovery-window'>): RecoveryPoint[] {
  return recoveryPoints.filter((p) => (p === 'backup' ? (source.backups ?? []).length > 0 : p === 'time' ? source['pgdeck-recovery-window'] !== undefined : true));
}

/** `2026-11-27 06:42:05 UTC`: restores are to the second, and typed in UTC (parseRecoveryTime), so their times read so. */
export const utcSecond = (d: Date): string => formatUtc(d, 'second');

/** The first whole second at or after `iso`: a backup's or window's start shown, or typed, to the second is inside it. */
export const ceilSecond = (iso: string): Date => new Date(Math.ceil(Date.parse(iso) / 1000) * 1000);

/** The window in whole seconds: every second shown in it can be restored to. */
export const wholeSeconds = (w: RecoveryWindow) => ({ earliest: ceilSecond(w.earliest), latest: new Date(Math.floor(Date.parse(w.latest) / 1000) * 1000) });

const typedTime = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(?::(\d\d))?(Z|[+-]\d\d:\d\d)?$/i;

/**
 * A typed time: `2026-11-27 06:42:05` as the console shows times (UTC), the
 * seconds optional, or RFC 3339 with its offset, as logs have it. Null when it
 * is none, or names a day or hour that does not exist.
 */
export function parseRecoveryTime(value: string): Date | null {
  const m = typedTime.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second = 0] = m.slice(1, 7).map((x) => (x === undefined ? undefined : Number(x)));
  const utc = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second));
  if (utc.getUTCMonth() !== (month ?? 1) - 1 || utc.getUTCDate() !== day || utc.getUTCHours() !== hour || utc.getUTCMinutes() !== minute || utc.getUTCSeconds() !== second) {
    return null;
  }
  const zone = m[7]?.toUpperCase() ?? 'Z';
  const offsetMinutes = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return new Date(utc.getTime() - offsetMinutes * 60_000);
}

/** Why a typed time cannot be restored to (naming the window), or null when it can. */
export function recoveryTimeProblem(value: string, window: RecoveryWindow | undefined): string | null {
  const t = parseRecoveryTime(value);
  if (!t) return 'must be a date and time such as 2026-12-02 14:02:59 (UTC)';
  if (!window) return null;
  const w = wholeSeconds(window);
  return t < w.earliest || t > w.latest ? `must be within the recoverable window, ${utcSecond(w.earliest)} to ${utcSecond(w.latest)}` : null;
}

/** Adds the issue of a form's recovery point, if it has one, on the field at fault. */
export function checkRecoveryPoint(v: RecoveryPointValues, ctx: z.RefinementCtx, window: RecoveryWindow | undefined): void {
  if (v.recoveryPoint === 'backup' && !v.recoveryBackup) ctx.addIssue({ code: 'custom', path: ['recoveryBackup'], message: 'choose a backup' });
  const problem = v.recoveryPoint === 'time' ? recoveryTimeProblem(v.recoveryTime, window) : null;
  if (problem) ctx.addIssue({ code: 'custom', path: ['recoveryTime'], message: problem });
}

/** The body fields of a fork of `source`: no time restores its latest state; a backup, its own time. */
export function forkFields(source: string, v: RecoveryPointValues): Pick<CreateService, 'fork-from-service' | 'recovery-backup-time'> {
  const time = v.recoveryPoint === 'backup' ? v.recoveryBackup : v.recoveryPoint === 'time' ? parseRecoveryTime(v.recoveryTime) : null;
  if (!time) return { 'fork-from-service': source };
  return { 'fork-from-service': source, 'recovery-backup-time': typeof time === 'string' ? time : `${time.toISOString().slice(0, 19)}Z` };
}

/** The form field an API error on `recovery-backup-time` belongs beside: the one that chose it. */
export const recoveryFieldFor = (point: RecoveryPoint) => (point === 'backup' ? 'recoveryBackup' : 'recoveryTime');
