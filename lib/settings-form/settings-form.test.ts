// The settings form module against a small hand-built document: which fields
// a major gets, what the check of edited values refuses (the engine's own
// check, lib/schemas/setting-check.ts), the diff and the body a save sends.
import { describe, expect, it } from 'vitest';
import { settingProblem } from '@/lib/schemas/setting-check';
import { buildPatch, diff } from './changes';
import { fieldId, filterNodes, type SettingField } from './fields';
import { buildSettingsModel, type SettingsDocumentLike } from './model';
import { draftsOf, valuesOf, type BodyValues } from './values';

const doc: SettingsDocumentLike = {
  settings: {
    pg: {
      type: 'object',
      title: 'PostgreSQL',
      additionalProperties: false,
      properties: {
        max_things: { type: 'integer', title: 'Things', minimum: 10, maximum: 500, default: 100, 'x-requires-restart': true },
        nap: { type: 'integer', minimum: 1, maximum: 3600, 'x-unit': 's', default: 60 },
        ratio: { type: 'number', minimum: 0, maximum: 1 },
        mode: { type: ['string'], enum: ['fast', 'safe'], default: 'safe' },
        'ext.role': { type: 'string', pattern: '^[a-z_]+$', maxLength: 8 },
        feature: { type: 'boolean', default: false },
        gap: { type: 'integer', anyOf: [{ minimum: 0, maximum: 0 }, { minimum: 5000, maximum: 9000 }] },
        only_new: { type: 'integer', minimum: 1, maximum: 4, 'x-pg-versions': ['18'] },
        tuning: {
          type: 'object',
          title: 'Tuning',
          additionalProperties: false,
          properties: {
            tuning_delay: { type: 'integer', minimum: 0, maximum: 100, 'x-unit': 'ms' },
            new_knob: { type: 'boolean', 'x-pg-versions': ['18'] },
          },
        },
        opaque: { type: 'array' },
      },
    },
    pgbouncer: {
      type: 'object',
      title: 'PgBouncer',
      additionalProperties: false,
      properties: {
        idle: { type: 'integer', minimum: 0, maximum: 86400, 'x-unit': 's' },
        ignore: { type: 'array', maxItems: 2, items: { type: 'string', enum: ['a', 'b', 'c'] } },
      },
    },
    pglookout: { type: 'object', title: 'Failover', additionalProperties: false, properties: {} },
  },
};

const field = (fields: SettingField[], key: string) => {
  const f = fields.find((x) => x.key === key);
  if (!f) throw new Error(`no field ${key}`);
  return f;
};

describe('fields', () => {
  it('gives a major only its keys, groups nested, empty sections and uneditable kinds left out', () => {
    const m17 = buildSettingsModel(doc, '17');
    expect(m17.sections.map((s) => s.name)).toEqual(['pg', 'pgbouncer']);
    const keys17 = m17.fields.map((f) => f.key);
    expect(keys17).toEqual(['shared-buffers-percentage', 'work-mem', 'max_things', 'nap', 'ratio', 'mode', 'ext.role', 'feature', 'gap', 'tuning.tuning_delay', 'idle', 'ignore']);
    const keys18 = buildSettingsModel(doc, '18').fields.map((f) => f.key);
    expect(keys18).toContain('only_new');
    expect(keys18).toContain('tuning.new_knob');
  });

  it('describes each kind with its bounds, unit, default, restart mark and API path', () => {
    const { fields } = buildSettingsModel(doc, '17');
    expect(field(fields, 'max_things')).toMatchObject({ kind: 'integer', ranges: [{ min: 10, max: 500 }], default: 100, restart: true });
    expect(field(fields, 'mode')).toMatchObject({ kind: 'select', options: ['fast', 'safe'], restart: false });
    expect(field(fields, 'feature').kind).toBe('switch');
    expect(field(fields, 'ratio').kind).toBe('number');
    expect(field(fields, 'ext.role')).toMatchObject({ kind: 'text', pattern: '^[a-z_]+$', maxLength: 8, path: ['pg-settings', 'ext.role'] });
    expect(field(fields, 'ignore')).toMatchObject({ kind: 'multi', options: ['a', 'b', 'c'], maxItems: 2 });
    expect(field(fields, 'gap').ranges).toEqual([{ min: 0, max: 0 }, { min: 5000, max: 9000 }]);
    expect(field(fields, 'tuning.tuning_delay')).toMatchObject({ unit: 'ms', path: ['pg-settings', 'tuning', 'tuning_delay'], apiField: 'pg-settings.tuning.tuning_delay' });
    expect(field(fields, 'work-mem')).toMatchObject({ ranges: [{ min: 1, max: 1024 }], unit: 'MB', clearable: true });
    expect(field(fields, 'shared-buffers-percentage')).toMatchObject({ ranges: [{ min: 20, max: 60 }], restart: true });
  });

  it('names each field for the form by its path alone, with nothing react-hook-form reads as nesting', () => {
    const id17 = field(buildSettingsModel(doc, '17').fields, 'ext.role').id;
    expect(field(buildSettingsModel(doc, '18').fields, 'ext.role').id).toBe(id17);
    expect(id17).not.toMatch(/[.[\]'"]/);
    expect(fieldId(['a.b'])).not.toBe(fieldId(['a', 'b']));
  });

  it('filters by key name, keeping the group around a match', () => {
    const pg = buildSettingsModel(doc, '17').sections[0]!;
    const hits = filterNodes(pg.nodes, 'DELAY');
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ group: { key: 'tuning', nodes: [{ field: { key: 'tuning.tuning_delay' } }] } });
    expect(filterNodes(pg.nodes, 'nothing-like-it')).toEqual([]);
  });
});

describe('validator', () => {
  const m = buildSettingsModel(doc, '17');
  const messages = (edited: BodyValues, current: BodyValues = {}) => Object.fromEntries(m.validate(edited, current).map((i) => [i.field.key, i.message]));

  it('accepts values inside the schema', () => {
    const ok = { 'pg-settings': { max_things: 10, ratio: 0.5, mode: 'fast', 'ext.role': 'abc', feature: true, gap: 0, tuning: { tuning_delay: 100 } }, 'pgbouncer-settings': { ignore: ['a', 'c'] }, 'work-mem': 64 };
    expect(messages(ok)).toEqual({});
  });

  it('refuses each kind of wrong value, in the form’s words and with the unit', () => {
    const bad = {
      'pg-settings': { max_things: 5, nap: 3601, ratio: 'x', mode: 'slow', 'ext.role': 'AB', feature: 'yes', gap: 100, tuning: { tuning_delay: 1.5 } },
      'pgbouncer-settings': { ignore: ['a', 'b', 'c'] },
      'shared-buffers-percentage': 70,
    };
    expect(messages(bad)).toEqual({
      max_things: 'must be at least 10',
      nap: 'must be at most 3600 s',
      ratio: 'must be a number',
      mode: 'must be one of "fast", "safe"',
      'ext.role': 'must match ^[a-z_]+$',
      feature: 'must be true or false',
      gap: 'must be 0 or 5000–9000',
      'tuning.tuning_delay': 'must be a whole number',
      ignore: 'must have at most 2 items',
      'shared-buffers-percentage': 'must be at most 60 %',
    });
    expect(messages({ 'pg-settings': { 'ext.role': 'abcdefghi' }, 'pgbouncer-settings': { ignore: ['z'] } })).toEqual({ 'ext.role': 'must be at most 8 characters', ignore: '[0] must be one of "a", "b", "c"' });
  });

  it('reports only changed fields: a value already set out of bounds does not block another change', () => {
    const current = { 'pg-settings': { max_things: 5 } };
    expect(messages({ 'pg-settings': { max_things: 5, nap: 10 } }, current)).toEqual({});
    expect(messages({ 'pg-settings': { max_things: 6 } }, current)).toEqual({ max_things: 'must be at least 10' });
  });

  it('reads a cloud zone’s schema: untyped anyOf branches of their parent’s type, a pattern JavaScript cannot compile left to the server', () => {
    const gap = { type: ['integer'], anyOf: [{ minimum: 0, maximum: 0 }, { minimum: 5000 }] } as never;
    expect(settingProblem(gap, 0.5)).toBe('must be a whole number');
    expect(settingProblem(gap, 10)).toBe('must be 0 or ≥ 5000');
    expect(settingProblem(gap, 6000)).toBeNull();
    expect(settingProblem({ type: 'string', pattern: '(' }, 'anything')).toBeNull();
  });

  it('does not fill in defaults the user left unset', () => {
    expect(messages({ 'pg-settings': {} })).toEqual({});
    const values = valuesOf(m.fields, draftsOf(m.fields, {}));
    expect(values).toEqual({});
  });
});

describe('drafts, diff and patch', () => {
  const m = buildSettingsModel(doc, '17');
  const current = { 'pg-settings': { nap: 60, mode: 'safe', 'ext.role': 'abc', tuning: { tuning_delay: 20 } }, 'pgbouncer-settings': { ignore: ['a'] }, 'work-mem': 4 };

  it('round-trips what the service reports', () => {
    const drafts = draftsOf(m.fields, current);
    expect(drafts[field(m.fields, 'nap').id]).toBe('60');
    expect(drafts[field(m.fields, 'feature').id]).toBeNull();
    expect(valuesOf(m.fields, drafts)).toEqual(current);
    expect(diff(m.fields, current, valuesOf(m.fields, drafts))).toEqual([]);
  });

  it('lists changes with old, new and restart, and sends only them, groups nested, a cleared key as null', () => {
    const drafts = draftsOf(m.fields, current);
    drafts[field(m.fields, 'nap').id] = '90';
    drafts[field(m.fields, 'max_things').id] = '200';
    drafts[field(m.fields, 'ext.role').id] = '';
    drafts[field(m.fields, 'tuning.tuning_delay').id] = '25';
    drafts[field(m.fields, 'ignore').id] = ['a', 'b'];
    drafts[field(m.fields, 'feature').id] = true;
    const changes = diff(m.fields, current, valuesOf(m.fields, drafts));
    expect(changes.map((c) => [c.field.key, c.old, c.new, c.restart])).toEqual([
      ['max_things', undefined, 200, true],
      ['nap', 60, 90, false],
      ['ext.role', 'abc', undefined, false],
      ['feature', undefined, true, false],
      ['tuning.tuning_delay', 20, 25, false],
      ['ignore', ['a'], ['a', 'b'], false],
    ]);
    expect(buildPatch(changes)).toEqual({
      'pg-settings': { max_things: 200, nap: 90, 'ext.role': null, feature: true, tuning: { tuning_delay: 25 } },
      'pgbouncer-settings': { ignore: ['a', 'b'] },
    });
  });

  it('keeps a number typed wrong as text, so the validator names it', () => {
    const drafts = draftsOf(m.fields, {});
    drafts[field(m.fields, 'nap').id] = '12abc';
    const edited = valuesOf(m.fields, drafts);
    expect(edited).toEqual({ 'pg-settings': { nap: '12abc' } });
    expect(m.validate(edited, {}).map((i) => i.message)).toEqual(['must be a whole number']);
  });
});
