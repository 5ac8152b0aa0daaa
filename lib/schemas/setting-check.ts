// Whether a value fits its setting's schema in the settings document, and why
// not, in the words the console's forms and the engine's 400s both show: one
// check, so a bad value reads the same beside a field and in an API error.
// It reads the keywords the API's settings documents use (the engine's and a
// cloud zone's alike: `type` may be a list, `anyOf` branches may omit `type`).
// Pure: no Node or browser API, so the engine and the browser run the same code.
import { z } from 'zod';
import type { SettingSchema } from './settings';

/** A plain JSON object (not an array, not null). */
export const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The schema's one type: `["integer", "null"]` counts as `integer`. */
export function typeOf(s: { type?: unknown }): string | undefined {
  if (Array.isArray(s.type)) return s.type.find((t): t is string => typeof t === 'string' && t !== 'null');
  return typeof s.type === 'string' ? s.type : undefined;
}

const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

export interface NumberRange {
  min?: number;
  max?: number;
}

/** The ranges a number may fall in: one for plain bounds, one per `anyOf` branch when the schema gives alternatives. */
export function rangesOf(s: SettingSchema): NumberRange[] | undefined {
  const own: NumberRange = { min: num(s.minimum), max: num(s.maximum) };
  const branches = Array.isArray(s.anyOf) ? s.anyOf.filter(isObject) : [];
  if (branches.length > 0) return branches.map((b) => ({ min: num(b.minimum) ?? own.min, max: num(b.maximum) ?? own.max }));
  return own.min === undefined && own.max === undefined ? undefined : [own];
}

/** `8kB` means "in 8 kB pages". */
export const unitLabel = (unit: string) => (unit === '8kB' ? '× 8 kB' : unit);

const withUnit = (n: number, unit: string | undefined) => (unit ? `${n} ${unitLabel(unit)}` : String(n));

/** Ranges as hints and refusals say them: `0 or 5000–10800000 ms`. A bound as large as a number can be says "no limit". */
export function rangeText(ranges: NumberRange[], unit?: string): string {
  const parts = ranges.map(({ min, max: upTo }) => {
    const max = upTo !== undefined && upTo >= Number.MAX_SAFE_INTEGER ? undefined : upTo;
    if (min !== undefined && min === max) return String(min);
    if (min !== undefined && max !== undefined) return `${min}–${max}`;
    return min !== undefined ? `≥ ${min}` : max !== undefined ? `≤ ${max}` : 'any';
  });
  return `${parts.join(' or ')}${unit ? ` ${unitLabel(unit)}` : ''}`;
}

const typeChecks: Record<string, [(v: unknown) => boolean, string]> = {
  integer: [(v) => Number.isInteger(v), 'must be a whole number'],
  number: [(v) => typeof v === 'number' && Number.isFinite(v), 'must be a number'],
  string: [(v) => typeof v === 'string', 'must be a string'],
  boolean: [(v) => typeof v === 'boolean', 'must be true or false'],
  array: [(v) => Array.isArray(v), 'must be a list'],
  object: [isObject, 'must be an object'],
};

/** Whether `text` matches; a pattern JavaScript cannot compile checks nothing (the upstream still does). */
function matches(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(text);
  } catch {
    return true;
  }
}

/** What is wrong with `value` under its setting's schema, or null when nothing is. */
export function settingProblem(s: SettingSchema, value: unknown): string | null {
  const type = typeOf(s);
  const check = type === undefined ? undefined : typeChecks[type];
  if (check && !check[0](value)) return check[1];
  const unit = typeof s['x-unit'] === 'string' ? s['x-unit'] : undefined;
  if (typeof value === 'number') {
    const [min, max] = [num(s.minimum), num(s.maximum)];
    if (min !== undefined && value < min) return `must be at least ${withUnit(min, unit)}`;
    if (max !== undefined && value > max) return `must be at most ${withUnit(max, unit)}`;
  }
  // an untyped branch (a cloud zone's `{"minimum": 0, "maximum": 0}`) is of its parent's type
  const branches = Array.isArray(s.anyOf) ? s.anyOf.filter(isObject) : [];
  if (branches.length > 0 && !branches.some((b) => settingProblem({ ...b, type: b.type ?? s.type }, value) === null)) {
    const ranges = rangesOf(s);
    return ranges && typeof value === 'number' ? `must be ${rangeText(ranges, unit)}` : 'is not one of the allowed values';
  }
  if (Array.isArray(s.enum) && !s.enum.some((v) => v === value)) return `must be one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if (typeof value === 'string') {
    const [minLength, maxLength] = [num(s.minLength), num(s.maxLength)];
    if (minLength !== undefined && value.length < minLength) return `must be at least ${minLength} characters`;
    if (maxLength !== undefined && value.length > maxLength) return `must be at most ${maxLength} characters`;
    if (typeof s.pattern === 'string' && !matches(s.pattern, value)) return `must match ${s.pattern}`;
  }
  if (Array.isArray(value)) {
    const maxItems = num(s.maxItems);
    if (maxItems !== undefined && value.length > maxItems) return `must have at most ${maxItems} items`;
    for (const [i, item] of value.entries()) {
      const p = isObject(s.items) ? settingProblem(s.items, item) : null;
      if (p) return `[${i}] ${p}`;
    }
  }
  return null;
}

/** A zod schema for a setting that travels as a body field of its own (`work-mem`): its refusal is settingProblem's. */
export function settingValueSchema<T>(s: SettingSchema) {
  return z.custom<T>().superRefine((value, ctx) => {
    const problem = settingProblem(s, value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}
