// A react-hook-form resolver over the drafts: the drafts turned into API
// values and checked by the validator the settings module built from the
// schema. Reads the model and the server's values through refs, which change
// with the service (or, when creating, with the chosen version).
import type { FieldErrors, Resolver } from 'react-hook-form';
import type { SettingsModel } from '@/lib/settings-form/model';
import { valuesOf, type BodyValues, type Drafts } from '@/lib/settings-form/values';

export function settingsResolver(model: { current: SettingsModel | null }, current: { current: BodyValues }): Resolver<Drafts> {
  return async (drafts) => {
    const m = model.current;
    if (!m) return { values: drafts, errors: {} };
    const issues = m.validate(valuesOf(m.fields, drafts), current.current);
    if (issues.length === 0) return { values: drafts, errors: {} };
    const errors: FieldErrors<Drafts> = {};
    for (const i of issues) errors[i.field.id] = { type: 'validate', message: i.message };
    return { values: {}, errors };
  };
}
