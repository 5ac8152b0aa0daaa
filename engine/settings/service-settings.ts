// A service's settings fields on create and update: checked against the
// document of the service's major (nothing is stored when one key fails),
// then merged into what is stored.
import { ApiError } from '@/lib/api-v2/errors';
import type { CreateService } from '@/lib/schemas/service';
import type { ServiceSettings } from '@/lib/schemas/settings';
import type { ConfValue } from '../runtime/instance';
import { refusalBeforeStart } from './apply';
import type { PlanMemory, SettingsContext } from './context';
import { majorRows, settingsDocument } from './catalog';
import { PREPARED_STATEMENTS_SINCE } from './other-sections';
import { pgKeys, unsupportedPgKeys } from './pg-keys';
import { renderPgSettings } from './render';
import { checkSection, mergeValues } from './validate';

type SettingsField = 'pg-settings' | 'pgbouncer-settings' | 'pglookout-settings';
export type SettingsBody = Partial<Pick<CreateService, SettingsField | 'variant'>> & {
  'shared-buffers-percentage'?: number | null;
  'work-mem'?: number | null;
};

const valueFields: SettingsField[] = ['pg-settings', 'pgbouncer-settings', 'pglookout-settings'];
const pathOf = (k: { key: string; group?: string }) => (k.group ? `${k.group}.${k.key}` : k.key);

function pgUnsupported(path: string, major: string): string | null {
  if (unsupportedPgKeys[path]) return unsupportedPgKeys[path];
  const key = pgKeys.find((k) => pathOf(k) === path);
  return key ? `PostgreSQL ${major} has no ${key.pg} parameter` : null;
}

/** For a key sent in the wrong place: where it belongs. */
function pgHint(path: string): string | null {
  const name = path.split('.').pop();
  const key = pgKeys.find((k) => k.key === name && pathOf(k) !== path);
  return key ? `did you mean pg-settings.${pathOf(key)}?` : null;
}

function bouncerUnsupported(ctx: SettingsContext, path: string): string | null {
  if (path !== 'max_prepared_statements') return null;
  const v = ctx.bouncerVersion;
  return v ? `PgBouncer ${v} is installed; max_prepared_statements needs ${PREPARED_STATEMENTS_SINCE} or later` : 'PgBouncer is not installed on this engine';
}

/** Refuses (ApiError 400) the first settings key that is unknown, unsupported on this major or engine, or invalid. */
export async function checkSettings(ctx: SettingsContext, major: string, body: SettingsBody): Promise<void> {
  if (body.variant === 'timescale') {
    throw new ApiError('unsupported', 'variant: timescale needs TimescaleDB, which is not installed on this engine', 'variant');
  }
  if (!valueFields.some((f) => body[f])) return;
  const { settings: doc } = await settingsDocument(ctx, [major]);
  const pg = body['pg-settings'];
  if (pg) checkSection({ field: 'pg-settings', section: doc.pg, unsupported: (p) => pgUnsupported(p, major), hint: pgHint }, pg);
  const bouncer = body['pgbouncer-settings'];
  if (bouncer) checkSection({ field: 'pgbouncer-settings', section: doc.pgbouncer, unsupported: (p) => bouncerUnsupported(ctx, p) }, bouncer);
  const lookout = body['pglookout-settings'];
  if (lookout) checkSection({ field: 'pglookout-settings', section: doc.pglookout, unsupported: () => null }, lookout);
}

/** At create: the checks of checkSettings, then PostgreSQL's own verdict on the values, since no server of the service runs yet to ask. */
export async function checkNewSettings(ctx: SettingsContext, major: string, plan: PlanMemory, body: SettingsBody): Promise<void> {
  await checkSettings(ctx, major, body);
  const refused = await refusalBeforeStart(ctx, major, renderPgSettings(mergeSettings({}, body), plan));
  if (refused) throw refused;
}

/** The stored settings with the body's merged in: groups key by key, `null` back to the default. */
export function mergeSettings(stored: ServiceSettings, body: SettingsBody): ServiceSettings {
  const out: ServiceSettings = { ...stored };
  for (const field of valueFields) {
    const patch = body[field];
    if (!patch) continue;
    const merged = mergeValues(stored[field], patch);
    if (Object.keys(merged).length) out[field] = merged;
    else delete out[field];
  }
  for (const field of ['shared-buffers-percentage', 'work-mem'] as const) {
    const value = body[field];
    if (value === null) delete out[field];
    else if (value !== undefined) out[field] = value;
  }
  return out;
}

/** The changed parameters that PostgreSQL applies only at a restart (pg_settings.context = postmaster). */
export async function restartingChanges(ctx: SettingsContext, major: string, before: Record<string, ConfValue>, after: Record<string, ConfValue>): Promise<string[]> {
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => before[k] !== after[k]);
  if (!changed.length) return [];
  const context = new Map((await majorRows(ctx, major)).map((r) => [r.name.toLowerCase(), r.context]));
  return changed.filter((k) => context.get(k.toLowerCase()) === 'postmaster');
}
