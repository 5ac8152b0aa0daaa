// What the inputs hold (drafts) and what the API carries (values), and the
// way between them. A draft is text for number, string and enum inputs ('' =
// not set), true/false/null for a switch, a list or null for a multi-select.
import { isObject, settingProblem, unitLabel } from '@/lib/schemas/setting-check';
import type { SettingField } from './fields';

export type Draft = string | boolean | string[] | null;
export type Drafts = Record<string, Draft>;
/** A body fragment as the API shapes it: `{'pg-settings': {autovacuum: {...}}, 'work-mem': 8}`. */
export type BodyValues = { [key: string]: unknown };

/** Equal as the API sees it: by JSON, unset and null alike. */
export const sameValue = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function getPath(values: unknown, path: readonly string[]): unknown {
  let at: unknown = values;
  for (const key of path) {
    if (!isObject(at) || !Object.hasOwn(at, key)) return undefined;
    at = at[key];
  }
  return at;
}

/** Sets `value` at `path`, creating the groups on the way (own properties only, whatever the key). */
export function setPath(values: BodyValues, path: readonly string[], value: unknown): void {
  let at: Record<string, unknown> = values;
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      Object.defineProperty(at, key, { value, enumerable: true, writable: true, configurable: true });
      return;
    }
    if (!isObject(at[key]) || !Object.hasOwn(at, key)) Object.defineProperty(at, key, { value: {}, enumerable: true, writable: true, configurable: true });
    at = at[key] as Record<string, unknown>;
  });
}

/** The input's content for a value the API reports (undefined: not set). */
export function toDraft(field: SettingField, value: unknown): Draft {
  switch (field.kind) {
    case 'switch':
      return typeof value === 'boolean' ? value : null;
    case 'multi':
      return Array.isArray(value) ? value.map(String) : null;
    default:
      return value === undefined || value === null ? '' : String(value);
  }
}

/**
 * The value an input's content stands for: undefined when blank. Text that is
 * no number stays text, so the validator refuses it by type and says so.
 */
export function fromDraft(field: SettingField, draft: Draft | undefined): unknown {
  if (draft === undefined || draft === null || draft === '') return undefined;
  switch (field.kind) {
    case 'integer':
    case 'number': {
      const t = String(draft).trim();
      const n = Number(t);
      return t !== '' && Number.isFinite(n) ? n : t;
    }
    case 'select':
      return field.options?.find((o) => String(o) === draft) ?? draft;
    case 'multi':
      return Array.isArray(draft) ? draft.map((d) => field.options?.find((o) => String(o) === d) ?? d) : undefined;
    default:
      return draft;
  }
}

/** The drafts the form opens with: what the service reports, field by field. */
export function draftsOf(fields: SettingField[], current: BodyValues): Drafts {
  return Object.fromEntries(fields.map((f) => [f.id, toDraft(f, getPath(current, f.path))]));
}

/** The values the drafts stand for, nested as the API takes them; blanks left out. */
export function valuesOf(fields: SettingField[], drafts: Drafts): BodyValues {
  const values: BodyValues = {};
  for (const f of fields) {
    const v = fromDraft(f, drafts[f.id]);
    if (v !== undefined) setPath(values, f.path, v);
  }
  return values;
}

/** How a value reads in hints and the review: the unit after numbers, "default" when unset. */
export function formatValue(field: SettingField, value: unknown): string {
  if (value === undefined || value === null) return 'default';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(', ');
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'number' && field.unit) return `${value} ${unitLabel(field.unit)}`;
  return typeof value === 'string' && value === '' ? '""' : String(value);
}

/**
 * What applies while a field is unset, in words: its default with its unit (said so when it is not a
 * value the API accepts), or how the plan sets it; the server's own when the upstream does not say.
 */
export function defaultText(field: SettingField): string {
  if (field.default !== undefined) {
    const value = formatValue(field, field.default);
    return settingProblem(field.schema, field.default) === null ? value : `${value} (not a value that can be set here)`;
  }
  if (field.defaultRule) return `set from the plan (${field.defaultRule})`;
  return 'the server’s own (the upstream does not say which)';
}

/** The service's fields the settings editor edits. */
export const SETTINGS_FIELDS = ['pg-settings', 'pgbouncer-settings', 'pglookout-settings', 'shared-buffers-percentage', 'work-mem'] as const;

/** The settings part of a service as the API reports it. */
export function settingsOfService(service: Record<string, unknown>): BodyValues {
  const out: BodyValues = {};
  for (const k of SETTINGS_FIELDS) {
    if (service[k] !== undefined && service[k] !== null) out[k] = service[k];
  }
  return out;
}

/** The major of a version as services report it (`16`, `16.4`). */
export const majorOf = (version: string | undefined) => version?.split('.')[0] || undefined;
