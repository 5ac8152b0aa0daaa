// A settings history entry as the console shows it and reverts it. The engine keeps each tracked field a change
// touched whole (all of pg-settings, not the one key), so the entry reads as the keys that differ, flattened
// (`pg-settings.autovacuum.autovacuum_naptime`); reverting puts back those keys alone, not later changes of others.
import { isObject } from '@/lib/schemas/setting-check';
import { TRACKED_SETTINGS, type SettingsChange } from '@/lib/schemas/activity';
import type { SettingField } from '@/lib/settings-form/fields';
import { getPath, sameValue, SETTINGS_FIELDS, toDraft, type Draft } from '@/lib/settings-form/values';

/** One key a change touched: where it sits in the API body, and its value before and after (undefined: unset). */
export interface KeyChange {
  path: string[];
  /** The path as it reads: `pg-settings.max_connections`. */
  key: string;
  before: unknown;
  after: unknown;
}

/** Every value in `value` with its path; lists and scalars are values, objects are walked (an empty one holds none). */
export function flatten(value: unknown, path: string[] = []): { path: string[]; value: unknown }[] {
  if (!isObject(value)) return path.length > 0 && value !== undefined ? [{ path, value }] : [];
  return Object.keys(value).flatMap((k) => flatten(value[k], [...path, k]));
}

const fieldOrder = (path: string[]) => (TRACKED_SETTINGS as readonly string[]).indexOf(path[0] ?? '');

/** The keys whose values differ between before and after, in the order of the tracked fields, then by key. */
export function keyChanges(change: Pick<SettingsChange, 'before' | 'after'>): KeyChange[] {
  const before = change.before ?? {};
  const paths = new Map<string, string[]>();
  for (const { path } of [...flatten(before), ...flatten(change.after)]) paths.set(JSON.stringify(path), path);
  return [...paths.values()]
    .map((path) => ({ path, key: path.join('.'), before: getPath(before, path) ?? undefined, after: getPath(change.after, path) ?? undefined }))
    .filter((c) => !sameValue(c.before, c.after))
    .sort((a, b) => fieldOrder(a.path) - fieldOrder(b.path) || a.key.localeCompare(b.key));
}

/** How a value reads in the history: "default" when unset, lists joined. */
export function historyValue(value: unknown): string {
  if (value === undefined || value === null) return 'default';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(String).join(', ');
  if (typeof value === 'string') return value === '' ? '""' : value;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

const edited = (c: KeyChange) => (SETTINGS_FIELDS as readonly string[]).includes(c.path[0] ?? '');

/** What reverting a change would put in the settings editor: a draft per field, and why the other keys are left. */
export interface Revert {
  drafts: { field: SettingField; draft: Draft }[];
  /** Keys of the editor's fields it cannot put back: not offered for this major, or back to a default that cannot be sent. */
  skipped: string[];
}

/** Each key of the editor's fields the change touched, as it was before: set where it was set, cleared where it was unset. */
export function revertOf(changes: KeyChange[], fields: SettingField[]): Revert {
  const out: Revert = { drafts: [], skipped: [] };
  for (const c of changes.filter(edited)) {
    const field = fields.find((f) => sameValue(f.path, c.path));
    if (!field || (c.before === undefined && !field.clearable)) out.skipped.push(c.key);
    else out.drafts.push({ field, draft: toDraft(field, c.before) });
  }
  return out;
}

/** Whether a change touched any field the settings editor edits (a plan or allow-list change alone has nothing to revert there). */
export const touchesEditor = (changes: KeyChange[]) => changes.some(edited);

