// Settings schema → field descriptors: what each setting is (kind, bounds,
// unit, default, restart), where its value lives in the API body, and which
// of them the service's major has. Tolerates a cloud zone's answer (no `x-`
// extensions, `type` as an array, ranges as `anyOf`).
import { isObject, rangesOf, typeOf, type NumberRange } from '@/lib/schemas/setting-check';
import { memorySettings, type MemorySettingKey, type SettingSchema, type SettingsSectionName } from '@/lib/schemas/settings';

export type FieldKind = 'select' | 'switch' | 'integer' | 'number' | 'text' | 'multi';
export type EnumValue = string | number | boolean;

export interface SettingField {
  /** The form's name for it: no dots, which react-hook-form would read as nesting (keys like `pg_stat_statements.track` have them). */
  id: string;
  /** Where the value sits in the API body: `['pg-settings', 'autovacuum', 'autovacuum_naptime']`, `['work-mem']`. */
  path: string[];
  /** `path` as the API names it in errors: `pg-settings.autovacuum.autovacuum_naptime`. */
  apiField: string;
  /** The key inside its section (`autovacuum.autovacuum_naptime`): what search matches and the review lists. */
  key: string;
  name: string;
  kind: FieldKind;
  title?: string;
  description?: string;
  options?: EnumValue[];
  /** Its schema in the document: what its values are checked against (settingProblem). */
  schema: SettingSchema;
  /** Allowed ranges: one for plain bounds, several when the schema gives alternatives (`0`, or `5000–10800000`). */
  ranges?: NumberRange[];
  unit?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  /** What applies while it is unset, for the model's major (x-defaults-by-major when the majors differ). */
  default?: unknown;
  /** Where the value comes from while unset, when the plan sets it (words: `the plan’s CPU count, at least 8`). */
  defaultRule?: string;
  /** The title of its section (PostgreSQL, PgBouncer...) and of its group (Autovacuum): what the review and search name. */
  section: string;
  group?: string;
  restart: boolean;
  /** Whether it can be put back to its default (a `null` in the body); the two top-level fields cannot. */
  clearable: boolean;
}

export interface SettingGroup {
  key: string;
  name: string;
  title?: string;
  description?: string;
  nodes: SettingNode[];
}

export type SettingNode = { field: SettingField } | { group: SettingGroup };

/** The sections the console edits, in order, with the API field each one's values travel in. */
export const formSections = [
  { name: 'pg', title: 'PostgreSQL', apiField: 'pg-settings' },
  { name: 'pgbouncer', title: 'PgBouncer', apiField: 'pgbouncer-settings' },
  { name: 'pglookout', title: 'Failover', apiField: 'pglookout-settings' },
] as const satisfies readonly { name: SettingsSectionName; title: string; apiField: string }[];
/** The service's own top-level fields (shared-buffers-percentage, work-mem) form a section of their own, first. */
export const memorySection = { name: 'memory', title: 'Memory' } as const;
export type FormSectionName = (typeof formSections)[number]['name'] | typeof memorySection.name;

const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

/** Whether the service's major has this key (`x-pg-versions` lists the majors that do; absent means all). */
export function inMajor(s: SettingSchema, major: string | undefined): boolean {
  const versions = s['x-pg-versions'];
  return !major || !Array.isArray(versions) || versions.map(String).includes(major);
}

function kindOf(s: SettingSchema): FieldKind | undefined {
  const type = typeOf(s);
  if (type === 'array') return isObject(s.items) && Array.isArray(s.items.enum) ? 'multi' : undefined;
  if (Array.isArray(s.enum) && s.enum.length > 0) return 'select';
  switch (type) {
    case 'boolean':
      return 'switch';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'string':
      return 'text';
    default:
      return undefined;
  }
}

const text = (x: unknown) => (typeof x === 'string' && x.trim() !== '' ? x : undefined);

/**
 * The form name of a path: stable across majors (so a draft keeps its field
 * when the create form's version changes) and free of what react-hook-form
 * reads as structure (`.`, `[`, `]`, quotes).
 */
export const fieldId = (path: readonly string[]) =>
  `setting:${path.map((p) => encodeURIComponent(p).replace(/[.'!()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join('/')}`;

/** What a key runs with while unset on a major: `default`, else that major's own (x-defaults-by-major); with no major, one all share. */
function defaultFor(s: SettingSchema, major: string | undefined): unknown {
  if (s.default !== undefined) return s.default;
  const byMajor = s['x-defaults-by-major'];
  if (!isObject(byMajor)) return undefined;
  if (major) return byMajor[major];
  const all = Object.values(byMajor).map((v) => JSON.stringify(v));
  return all.length > 0 && all.every((v) => v === all[0]) ? Object.values(byMajor)[0] : undefined;
}

/** Where a field sits: its section's title and its group's, and the major its default is read for. */
export interface FieldPlace {
  section: string;
  group?: string;
  major?: string;
}

/** One property's descriptor, or undefined for a kind the form cannot edit (it is then left as it is). */
export function describeField(s: SettingSchema, path: string[], sectionKey: string[], place: FieldPlace, clearable = true): SettingField | undefined {
  const kind = kindOf(s);
  if (!kind) return undefined;
  const name = path[path.length - 1] ?? '';
  return {
    id: fieldId(path),
    path,
    apiField: path.join('.'),
    key: sectionKey.join('.'),
    name,
    kind,
    schema: s,
    title: text(s.title),
    description: text(s.description),
    options: kind === 'multi' ? (s.items?.enum ?? []) : kind === 'select' ? s.enum : undefined,
    ranges: kind === 'integer' || kind === 'number' ? rangesOf(s) : undefined,
    unit: text(s['x-unit']),
    pattern: text(s.pattern),
    minLength: num(s.minLength),
    maxLength: num(s.maxLength),
    maxItems: num(s.maxItems),
    default: defaultFor(s, place.major),
    defaultRule: text(s['x-default-from-plan']),
    section: place.section,
    group: place.group,
    restart: s['x-requires-restart'] === true,
    clearable,
  };
}

/** The fields and groups of one section for a major, in the schema's order; empty groups left out. */
export function describeSection(section: { properties?: unknown }, apiField: string, title: string, major: string | undefined): SettingNode[] {
  const walk = (props: Record<string, unknown>, within: string[], group: string | undefined): SettingNode[] => {
    const nodes: SettingNode[] = [];
    for (const [name, raw] of Object.entries(props)) {
      if (!isObject(raw)) continue;
      const s = raw as unknown as SettingSchema;
      if (!inMajor(s, major)) continue;
      const key = [...within, name];
      if (typeOf(s) === 'object') {
        const children = walk(isObject(s.properties) ? s.properties : {}, key, text(s.title) ?? name);
        if (children.length > 0) nodes.push({ group: { key: key.join('.'), name, title: text(s.title), description: text(s.description), nodes: children } });
        continue;
      }
      const field = describeField(s, [apiField, ...key], key, { section: title, group, major });
      if (field) nodes.push({ field });
    }
    return nodes;
  };
  return walk(isObject(section.properties) ? section.properties : {}, [], undefined);
}

/**
 * How the plan sets the memory fields while they are unset: work_mem in the public API's own words; for
 * shared_buffers it names no share (an upstream that knows gives it in x-memory-defaults). Kept here, out of the
 * schemas every page loads.
 */
const memoryRules: Record<MemorySettingKey, string> = {
  'shared-buffers-percentage': 'a share of the plan’s memory',
  'work-mem': '1 MB + 0.075 % of the plan’s memory, at most 32 MB',
};

/**
 * The two top-level memory settings, described by the same schemas the API checks them with, with the
 * defaults an upstream gives in its pg section (x-memory-defaults) where it does.
 */
export function memoryFields(pgSection: unknown): SettingField[] {
  const given = isObject(pgSection) && isObject(pgSection['x-memory-defaults']) ? pgSection['x-memory-defaults'] : {};
  return (Object.keys(memorySettings) as MemorySettingKey[]).flatMap((key) => {
    const s: SettingSchema = { ...memorySettings[key], 'x-default-from-plan': memoryRules[key] };
    const dflt = num(given[key]);
    return describeField(dflt === undefined ? s : { ...s, default: dflt }, [key], [key], { section: memorySection.title }) ?? [];
  });
}

/** Every field under some nodes, depth first. */
export function fieldsOf(nodes: SettingNode[]): SettingField[] {
  return nodes.flatMap((n) => ('field' in n ? [n.field] : fieldsOf(n.group.nodes)));
}

/** The nodes whose fields pass `keep`, groups kept around what is left of them. */
export function keepNodes(nodes: SettingNode[], keep: (f: SettingField) => boolean): SettingNode[] {
  return nodes.flatMap((n): SettingNode[] => {
    if ('field' in n) return keep(n.field) ? [n] : [];
    const inner = keepNodes(n.group.nodes, keep);
    return inner.length > 0 ? [{ group: { ...n.group, nodes: inner } }] : [];
  });
}
