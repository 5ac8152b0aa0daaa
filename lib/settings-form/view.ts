// Which fields the editor shows while it shows only what matters: the keys
// the service sets (they differ from the defaults), those being edited, and
// those the user asked for by searching.
import type { SettingField } from './fields';
import { getPath, sameValue, type BodyValues } from './values';

export function fieldsInView(fields: SettingField[], current: BodyValues, edited: BodyValues, asked: ReadonlySet<string>): Set<string> {
  const shown = fields.filter((f) => {
    const now = getPath(current, f.path);
    return asked.has(f.id) || (now !== undefined && now !== null) || !sameValue(now, getPath(edited, f.path));
  });
  return new Set(shown.map((f) => f.id));
}
