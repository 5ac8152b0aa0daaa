// Checks settings values against a settings schema (the document of the
// service's major): every refusal names the full key path and the reason.
import { ApiError } from '@/lib/api-v2/errors';
import type { SettingSchema, SettingsValues } from '@/lib/schemas/settings';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const typeProblem: Record<SettingSchema['type'], [(v: unknown) => boolean, string]> = {
  integer: [(v) => Number.isInteger(v), 'must be a whole number'],
  number: [(v) => typeof v === 'number' && Number.isFinite(v), 'must be a number'],
  string: [(v) => typeof v === 'string', 'must be a string'],
  boolean: [(v) => typeof v === 'boolean', 'must be true or false'],
  array: [(v) => Array.isArray(v), 'must be an array'],
  object: [isObject, 'must be an object'],
};

const range = (s: SettingSchema): string =>
  s.minimum !== undefined && s.minimum === s.maximum ? String(s.minimum)
  : s.maximum === undefined ? `at least ${s.minimum}`
  : s.minimum === undefined ? `at most ${s.maximum}`
  : `between ${s.minimum} and ${s.maximum}`;

/** What is wrong with one value under its schema, or null when nothing is. */
export function problem(schema: SettingSchema, value: unknown): string | null {
  const [ok, message] = typeProblem[schema.type];
  if (!ok(value)) return message;
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return `must be at least ${schema.minimum}`;
    if (schema.maximum !== undefined && value > schema.maximum) return `must be at most ${schema.maximum}`;
    if (schema.anyOf && !schema.anyOf.some((s) => problem(s, value) === null)) {
      return `must be ${schema.anyOf.map(range).join(' or ')}`;
    }
  }
  if (schema.enum && !schema.enum.includes(value as string)) {
    return `must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (typeof value === 'string') {
    if (schema.maxLength !== undefined && value.length > schema.maxLength) return `must be at most ${schema.maxLength} characters`;
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) return `must match ${schema.pattern}`;
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return `must have at most ${schema.maxItems} items`;
    for (const [i, item] of value.entries()) {
      const p = schema.items && problem(schema.items, item);
      if (p) return `[${i}] ${p}`;
    }
  }
  return null;
}

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
    if (prop.type === 'object' && prop.properties) {
      if (!isObject(value)) throw new ApiError('incorrect', `${where}: must be an object`, where);
      checkSection(check, value, prop, `${path}.`);
      continue;
    }
    const p = problem(prop, value);
    if (p) throw new ApiError('incorrect', `${where}: ${p}`, where);
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
