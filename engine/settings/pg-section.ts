// The `pg` section of the settings document, built from what the installed
// PostgreSQL majors report in pg_settings, narrowed by the public bounds.
import type { SettingSchema, SettingsSection, SettingsValue } from '@/lib/schemas/settings';
import type { PgSettingRow } from '../runtime/templates';
import { pgGroups, pgKeys, type PgGroup, type PgKey } from './pg-keys';
import { unitFactor } from './units';
import { settingProblem } from '@/lib/schemas/setting-check';

export interface MajorSettings {
  major: string;
  rows: PgSettingRow[];
}

/** The pg_settings vartypes a public type can stand for. */
const fits: Record<SettingSchema['type'], PgSettingRow['vartype'][]> = {
  integer: ['integer', 'real'],
  number: ['real', 'integer'],
  boolean: ['bool'],
  string: ['string', 'enum', 'bool'],
  array: [],
  object: [],
};

/** PostgreSQL's text of a value (pg_settings.setting) in the API's spelling. */
export function apiValue(key: PgKey, row: PgSettingRow, text: string): SettingsValue {
  switch (row.vartype) {
    case 'bool':
      return key.public.type === 'boolean' ? text === 'on' : text;
    case 'integer':
    case 'real':
      return Number(text) * unitFactor(row.unit, key.unit);
    case 'enum':
      return key.public.enum?.find((v) => String(v).toLowerCase() === text.toLowerCase()) as string | undefined ?? text;
    default:
      // log_line_prefix: the public values are quoted as in postgresql.conf
      return key.pg === 'log_line_prefix' ? `'${text}'` : text;
  }
}

/**
 * One key's schema for one major, or null when that major cannot take it. `default` is what the major runs with
 * while the key is unset (pg_settings.setting of a template, which the engine's own settings already shaped),
 * whether or not the API accepts it: `union` keeps it as `default` only where it is one the API accepts.
 */
export function pgProperty(key: PgKey, row: PgSettingRow, withDefault: boolean): SettingSchema | null {
  const pub = key.public;
  if (!fits[pub.type].includes(row.vartype)) return null;
  const p: SettingSchema = { type: pub.type, title: key.key, description: key.description ?? row.short_desc };
  if (pub.type === 'integer' || pub.type === 'number') {
    const factor = unitFactor(row.unit, key.unit);
    const bound = (pg: string | null, pick: (a: number, b: number) => number, pubVal?: number) => {
      const v = pg === null ? undefined : Number(pg) * factor;
      return v === undefined ? pubVal : pubVal === undefined ? v : pick(v, pubVal);
    };
    let min = bound(row.min_val, Math.max, pub.minimum);
    let max = bound(row.max_val, Math.min, pub.maximum);
    if (pub.type === 'integer') {
      min = min === undefined ? min : Math.ceil(min);
      max = max === undefined ? max : Math.floor(max);
    }
    if (min !== undefined && max !== undefined && min > max) return null;
    if (min !== undefined) p.minimum = min;
    if (max !== undefined) p.maximum = max;
  }
  if (pub.enum) {
    const pg = row.vartype === 'enum' ? new Set((row.enumvals ?? []).map((v) => v.toLowerCase())) : null;
    p.enum = pg ? pub.enum.filter((v) => pg.has(String(v).toLowerCase())) : [...pub.enum];
    if (!p.enum.length) return null;
  }
  if (pub.pattern !== undefined) p.pattern = pub.pattern;
  if (pub.maxLength !== undefined) p.maxLength = pub.maxLength;
  if (pub.anyOf) p.anyOf = pub.anyOf;
  if (key.unit) p['x-unit'] = key.unit;
  p['x-requires-restart'] = row.context === 'postmaster';
  if (withDefault) p.default = apiValue(key, row, row.setting);
  return p;
}

/**
 * One key over several majors: the widest bounds, every enum value, restart when any major needs it. The
 * default stays `default` when every major runs the same one and the API accepts it; otherwise each major's
 * is told apart (x-defaults-by-major), so that no client takes for a default a value it may not send.
 */
function union(found: { major: string; p: SettingSchema }[], majors: number): SettingSchema {
  const out: SettingSchema = { ...(found[found.length - 1] as { p: SettingSchema }).p };
  const all = found.map((f) => f.p);
  const nums = (pick: (s: SettingSchema) => number | undefined) => all.map(pick).filter((v): v is number => v !== undefined);
  if (out.minimum !== undefined) out.minimum = Math.min(...nums((s) => s.minimum));
  if (out.maximum !== undefined) out.maximum = Math.max(...nums((s) => s.maximum));
  if (out.enum) {
    const seen = new Set(all.flatMap((s) => s.enum ?? []));
    out.enum = [...seen];
  }
  out['x-requires-restart'] = all.some((s) => s['x-requires-restart']);
  const alike = all.every((s) => JSON.stringify(s.default) === JSON.stringify(out.default));
  if (out.default !== undefined && (!alike || settingProblem(out, out.default) !== null)) {
    out['x-defaults-by-major'] = Object.fromEntries(found.map((f) => [f.major, f.p.default]));
    delete out.default;
  }
  if (found.length < majors) out['x-pg-versions'] = found.map((f) => f.major);
  return out;
}

/**
 * The `pg` section for these majors (one for a service's own document, all
 * installed ones for GET /v2/dbaas-settings-pg). `fromPlan` names parameters
 * whose default depends on the plan, so the template's value is not theirs: each
 * says how instead (x-default-from-plan).
 */
export function pgSection(majors: MajorSettings[], fromPlan: ReadonlyMap<string, string> = new Map()): SettingsSection {
  const byName = majors.map((m) => ({ major: m.major, rows: new Map(m.rows.map((r) => [r.name.toLowerCase(), r])) }));
  const top: Record<string, SettingSchema> = {};
  const groups: Partial<Record<PgGroup, Record<string, SettingSchema>>> = {};
  for (const key of pgKeys) {
    const found = byName.flatMap(({ major, rows }) => {
      const row = rows.get(key.pg);
      const p = row && pgProperty(key, row, !fromPlan.has(key.pg));
      return p ? [{ major, p }] : [];
    });
    if (!found.length) continue;
    const target = key.group ? (groups[key.group] ??= {}) : top;
    const rule = fromPlan.get(key.pg);
    target[key.key] = { ...union(found, majors.length), ...(rule ? { 'x-default-from-plan': rule } : {}) };
  }
  const properties: Record<string, SettingSchema> = {};
  for (const [group, title] of Object.entries(pgGroups) as [PgGroup, string][]) {
    const props = groups[group];
    if (props) properties[group] = { type: 'object', title, properties: props, additionalProperties: false };
  }
  return {
    type: 'object',
    title: 'PostgreSQL',
    description: 'Parameters written into postgresql.conf',
    properties: { ...properties, ...top },
    additionalProperties: false,
  };
}
