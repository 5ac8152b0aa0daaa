// Checks settings values against a settings schema (the document of the
// service's major): every refusal names the full key path and the reason.
// A value's own check is the console's too (lib/schemas/setting-check.ts), so
// the API and the form word a refusal alike; what only the engine knows is
// here: keys the document lacks, and why this engine cannot take them.
import { ApiError } from '@/lib/api-v2/errors';
import { isObject, settingProblem } from '@/lib/schemas/setting-check';
import type { SettingSchema, SettingsValues } from '@/lib/schemas/settings';

export interface SectionCheck {
  /** The body field, e.g. `pg-settings`. */
  field: string;
  section: SettingSchema;
  /** Why a key missing from the section cannot be taken here (unsupported), by its path in the section; null when it is simply unknown. */
  unsupported(path: string): string | null;
  /** A hint for an unknown key, by its path in the section (say, the group it belongs in). */
  hint?(path: string): string | null;
}

/** Throws an ApiError naming the first key that is unknown, unsupported or invalid; `null` values (removals) pass. */
export function checkSection(check: SectionCheck, values: Record<string, unknown>, schema: SettingSchema = check.section, prefix = ''): void {
  for (const [key, value] of Object.entries(values)) {
    const path = `${prefix}${key}`;
    const where = `${check.field}.${path}`;
    const prop = schema.properties?.[key];
    if (!prop) {
      const why = check.unsupported(path);
      if (why) throw new ApiError('unsupported', `${where}: ${why}`, where);
      const hint = check.hint?.(path);
      throw new ApiError('incorrect', `${where}: unknown setting${hint ? `; ${hint}` : ''}`, where);
    }
    if (value === null) continue;
    const p = settingProblem(prop, value);
    if (p) throw new ApiError('incorrect', `${where}: ${p}`, where);
    if (prop.properties && isObject(value)) checkSection(check, value, prop, `${path}.`);
  }
}

/** `patch` merged into `stored`: groups merged key by key, `null` removes a key (back to its default), empty groups dropped. */
export function mergeValues(stored: SettingsValues | undefined, patch: Record<string, unknown>): SettingsValues {
  const out: SettingsValues = { ...stored };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || value === undefined) {
      delete out[key];
    } else if (isObject(value)) {
      const current = out[key];
      const merged = mergeValues(isObject(current) ? (current as SettingsValues) : undefined, value);
      if (Object.keys(merged).length) out[key] = merged;
      else delete out[key];
    } else {
      out[key] = value as SettingsValues[string];
    }
  }
  return out;
}
