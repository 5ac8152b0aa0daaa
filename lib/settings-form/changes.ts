// What a save would change, and the body that changes exactly that: only
// changed keys, nested groups kept nested, a cleared key sent as null (back to
// its default).
import type { SettingField } from './fields';
import { getPath, sameValue, setPath, type BodyValues } from './values';

export interface SettingChange {
  field: SettingField;
  /** The value's place in the API body, e.g. `['pg-settings', 'autovacuum', 'autovacuum_naptime']`. */
  path: string[];
  /** undefined: not set (the default applies). */
  old: unknown;
  new: unknown;
  /** Applying it restarts PostgreSQL. */
  restart: boolean;
}

/** The fields whose edited value differs from the current one, in field order. */
export function diff(fields: SettingField[], current: BodyValues, edited: BodyValues): SettingChange[] {
  return fields.flatMap((field) => {
    const old = getPath(current, field.path) ?? undefined;
    const next = getPath(edited, field.path) ?? undefined;
    return sameValue(old, next) ? [] : [{ field, path: field.path, old, new: next, restart: field.restart }];
  });
}

/** The body fragment of a save: each change at its place, `null` where a key goes back to its default. */
export function buildPatch(changes: SettingChange[]): BodyValues {
  const patch: BodyValues = {};
  for (const c of changes) setPath(patch, c.path, c.new === undefined ? null : c.new);
  return patch;
}
