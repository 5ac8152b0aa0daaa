// The form's check of edited settings: each changed field's value against its
// own schema, by the one check the engine's 400s use too (settingProblem), so
// a value reads the same refusal here as from the API.
import { settingProblem } from '@/lib/schemas/setting-check';
import type { SettingField } from './fields';
import { getPath, sameValue, type BodyValues } from './values';

export interface SettingIssue {
  field: SettingField;
  message: string;
}

/**
 * Problems with the edited values, field by field. Only changed fields are
 * reported: they are all a save sends, so a value the server set outside
 * today's bounds does not block saving something else. Unset (blank) fields
 * are never wrong: they keep the default.
 */
export function validateValues(fields: SettingField[], edited: BodyValues, current: BodyValues): SettingIssue[] {
  return fields.flatMap((field) => {
    const value = getPath(edited, field.path);
    if (value === undefined || value === null || sameValue(value, getPath(current, field.path))) return [];
    const message = settingProblem(field.schema, value);
    return message ? [{ field, message }] : [];
  });
}
