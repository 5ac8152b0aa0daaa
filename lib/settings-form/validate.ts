// The zod validator of a settings section, built with z.fromJSONSchema from
// the same document the fields come from. The document is first reduced to
// the keywords that validate (titles, defaults, examples and `x-` extensions
// dropped: a `default` would fill values the user left unset), to the keys
// the service's major has, and made explicit where zod 4.6.7 reads it
// loosely: an `anyOf` branch without `type` converts to "anything", so each
// branch inherits its parent's type; a pattern JavaScript cannot compile is
// left to the server.
import { z } from 'zod';
import type { SettingSchema } from '@/lib/schemas/settings';
import { inMajor, type SettingField, type NumberRange } from './fields';
import { formatValue, getPath, isObject, sameValue, type BodyValues } from './values';

const KEPT = ['type', 'enum', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems', 'required'] as const;


function compiles(pattern: unknown): pattern is string {
  if (typeof pattern !== 'string') return false;
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** The validating part of a property for one major (exported for its test). */
export function validatingSchema(s: Record<string, unknown>, major: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of KEPT) if (s[k] !== undefined) out[k] = s[k];
  if (compiles(s.pattern)) out.pattern = s.pattern;
  if (isObject(s.items)) out.items = validatingSchema(s.items, major);
  if (typeof s.additionalProperties === 'boolean') out.additionalProperties = s.additionalProperties;
  if (isObject(s.properties)) {
    const props: Record<string, unknown> = {};
    for (const [key, p] of Object.entries(s.properties)) {
      if (isObject(p) && inMajor(p as unknown as SettingSchema, major)) Object.defineProperty(props, key, { value: validatingSchema(p, major), enumerable: true });
    }
    out.properties = props;
  }
  for (const k of ['anyOf', 'oneOf'] as const) {
    const branches = s[k];
    if (Array.isArray(branches)) out[k] = branches.filter(isObject).map((b) => validatingSchema({ type: s.type, ...b }, major));
  }
  return out;
}

/** A section's validator: the section's object schema through z.fromJSONSchema, optional as a whole. */
export function sectionValidator(section: Record<string, unknown>, major: string | undefined): z.ZodType {
  // a private registry: the converter records leftover keywords as metadata, which must not pile up in zod's global one
  return z.fromJSONSchema(validatingSchema({ ...section, type: 'object' }, major) as z.core.JSONSchema.JSONSchema, { registry: z.registry() }).optional();
}

export interface SettingIssue {
  field: SettingField;
  message: string;
}

const rangeText = (r: NumberRange) => (r.min !== undefined && r.min === r.max ? `${r.min}` : `${r.min ?? '…'}–${r.max ?? '…'}`);

/** A message in the form's words, with the unit, from a zod issue on `field`. */
export function issueMessage(field: SettingField, issue: z.core.$ZodIssue): string {
  const unit = (n: unknown) => (typeof n === 'number' || typeof n === 'bigint' ? formatValue(field, Number(n)) : String(n));
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string') return `must be at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `choose at least ${issue.minimum}`;
      return `must be at least ${unit(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `choose at most ${issue.maximum}`;
      return `must be at most ${unit(issue.maximum)}`;
    case 'invalid_type':
      if (issue.expected === 'int') return 'must be a whole number';
      if (issue.expected === 'number') return 'must be a number';
      if (issue.expected === 'boolean') return 'must be on or off';
      return `must be a ${issue.expected}`;
    case 'invalid_format':
      return field.pattern ? `must match ${field.pattern}` : 'has the wrong format';
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_union':
      return field.ranges ? `must be ${field.ranges.map(rangeText).join(' or ')}${field.unit ? ` (${field.unit})` : ''}` : 'is not an allowed value';
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    default:
      return issue.message;
  }
}

/**
 * Problems with the edited values, field by field. Only changed fields are
 * reported: they are all a save sends, so a value the server set outside
 * today's bounds does not block saving something else.
 */
export function validateValues(validator: z.ZodType, fields: SettingField[], edited: BodyValues, current: BodyValues): SettingIssue[] {
  const r = validator.safeParse(edited);
  if (r.success) return [];
  const byPath = new Map(fields.map((f) => [JSON.stringify(f.path), f]));
  const issues: SettingIssue[] = [];
  for (const issue of r.error.issues) {
    // an array item's issue (`[..., 'x', 1]`) belongs to the field holding the array
    const path = issue.path.map(String);
    let field: SettingField | undefined;
    for (let n = path.length; n > 0 && !field; n--) field = byPath.get(JSON.stringify(path.slice(0, n)));
    if (!field || sameValue(getPath(edited, field.path), getPath(current, field.path))) continue;
    if (!issues.some((i) => i.field === field)) issues.push({ field, message: issueMessage(field, issue) });
  }
  return issues;
}
