// The settings form module against a small hand-built document: which fields
// a major gets, what the check of edited values refuses (the engine's own
// check, lib/schemas/setting-check.ts), the diff and the body a save sends.
import { describe, expect, it } from 'vitest';
import { settingProblem } from '@/lib/schemas/setting-check';
import { buildPatch, diff } from './changes';
import { fieldId, keepNodes, type SettingField } from './fields';
import { buildSettingsModel, type SettingsDocumentLike } from './model';
import { appliedMessage, applyingMessage, parameterOf, restartsTold } from './outcome';
import { searchFields } from './search';
import { defaultText, draftsOf, valuesOf, type BodyValues } from './values';
import { fieldsInView } from './view';

const doc: SettingsDocumentLike = {
  settings: {
    pg: {
      type: 'object',
      title: 'PostgreSQL',
      additionalProperties: false,
      properties: {
        max_things: { type: 'integer', title: 'Things', minimum: 10, maximum: 500, default: 100, 'x-requires-restart': true },
        senders: { type: 'integer', minimum: 20, maximum: 256, 'x-defaults-by-major': { '17': 10, '18': 10 } },
        log_min: { type: 'integer', minimum: -1, maximum: 1000, 'x-unit': 'ms', 'x-defaults-by-major': { '17': -1, '18': 600 } },
        workers: { type: 'integer', minimum: 8, maximum: 96, 'x-default-from-plan': 'the plan’s CPU count, at least 8' },
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
            tuning_delay: { type: 'integer', minimum: 0, maximum: 100, 'x-unit': 'ms', description: 'Sleep between rounds of the background tuner' },
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
    expect(m17.sections.map((s) => s.name)).toEqual(['memory', 'pg', 'pgbouncer']);
    const keys17 = m17.fields.map((f) => f.key);
    expect(keys17).toEqual(['shared-buffers-percentage', 'work-mem', 'max_things', 'senders', 'log_min', 'workers', 'nap', 'ratio', 'mode', 'ext.role', 'feature', 'gap', 'tuning.tuning_delay', 'idle', 'ignore']);
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

  it('keeps the groups around the fields it keeps', () => {
    const pg = buildSettingsModel(doc, '17').sections.find((x) => x.name === 'pg');
    const kept = keepNodes(pg?.nodes ?? [], (f) => f.key === 'tuning.tuning_delay');
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ group: { key: 'tuning', nodes: [{ field: { key: 'tuning.tuning_delay' } }] } });
    expect(keepNodes(pg?.nodes ?? [], () => false)).toEqual([]);
  });
});

describe('defaults', () => {
  it('reads each major’s default where the majors differ, and says when it is not a value one may set', () => {
    const m17 = buildSettingsModel(doc, '17').fields;
    const m18 = buildSettingsModel(doc, '18').fields;
    expect(field(m17, 'log_min').default).toBe(-1);
    expect(field(m18, 'log_min').default).toBe(600);
    expect(defaultText(field(m18, 'log_min'))).toBe('600 ms');
    // every major runs 10, which the API refuses (it takes 20 up)
    expect(field(buildSettingsModel(doc, undefined).fields, 'senders').default).toBe(10);
    expect(defaultText(field(m17, 'senders'))).toBe('10 (not a value that can be set here)');
    expect(defaultText(field(m17, 'workers'))).toBe('set from the plan (the plan’s CPU count, at least 8)');
    expect(defaultText(field(m17, 'nap'))).toBe('60 s');
    expect(defaultText(field(m17, 'ratio'))).toBe('the server’s own (the upstream does not say which)');
  });

  it('gives the memory fields the upstream’s defaults where its document has them, else the public API’s words', () => {
    const plain = buildSettingsModel(doc, '17').fields;
    expect(defaultText(field(plain, 'work-mem'))).toBe('set from the plan (1 MB + 0.075 % of the plan’s memory, at most 32 MB)');
    expect(defaultText(field(plain, 'shared-buffers-percentage'))).toBe('set from the plan (a share of the plan’s memory)');
    const told = { settings: { ...doc.settings, pg: { ...(doc.settings.pg as object), 'x-memory-defaults': { 'shared-buffers-percentage': 25 } } } };
    const fields = buildSettingsModel(told, '17').fields;
    expect(defaultText(field(fields, 'shared-buffers-percentage'))).toBe('25 %');
    expect(field(fields, 'shared-buffers-percentage').section).toBe('Memory');
  });
});

describe('search and view', () => {
  const { fields } = buildSettingsModel(doc, '17');
  const keys = (q: string) => searchFields(fields, q).hits.map((f) => f.key);

  it('finds keys by name first, then by title, section, group and description; every word must match', () => {
    expect(keys('nap')).toEqual(['nap']);
    expect(keys('shared buffers')).toEqual(['shared-buffers-percentage']);
    expect(keys('things')).toEqual(['max_things']);
    expect(keys('pgbouncer')).toEqual(['idle', 'ignore']);
    expect(keys('tuner')).toEqual(['tuning.tuning_delay']);
    expect(keys('tuning')).toEqual(['tuning.tuning_delay']);
    // work-mem by its title (Work memory), shared-buffers-percentage by its section
    expect(keys('memory')).toEqual(['work-mem', 'shared-buffers-percentage']);
    expect(keys('background delay')).toEqual(['tuning.tuning_delay']);
    expect(keys('nothing like it')).toEqual([]);
    // past the name, words count from their start: "round" is in the description, "ound" is nowhere
    expect(keys('rounds')).toEqual(['tuning.tuning_delay']);
    expect(keys('ounds')).toEqual([]);
    expect(keys('hing')).toEqual(['max_things']);
    // a word inside another word of the name is not enough ("in" in "things", "round" in the description)
    expect(keys('in round')).toEqual([]);
    expect(searchFields(fields, 'e', 3)).toMatchObject({ total: expect.any(Number) });
    expect(searchFields(fields, 'e', 3).hits).toHaveLength(3);
  });

  it('shows what the service sets, what is being edited and what was asked for', () => {
    const current = { 'pg-settings': { nap: 30 }, 'work-mem': 8 };
    const edited = { 'pg-settings': { nap: 30, mode: 'fast' }, 'work-mem': 8 };
    const shown = (asked: string[] = []) => [...fieldsInView(fields, current, edited, new Set(asked))].map((id) => fields.find((f) => f.id === id)?.key);
    expect(shown()).toEqual(['work-mem', 'nap', 'mode']);
    expect(shown([field(fields, 'idle').id])).toEqual(['work-mem', 'nap', 'mode', 'idle']);
    // a key being put back to its default stays until saved
    expect([...fieldsInView(fields, current, { 'work-mem': 8 }, new Set())].map((id) => fields.find((f) => f.id === id)?.key)).toEqual(['work-mem', 'nap']);
  });
});

describe('the message after a save', () => {
  const { fields } = buildSettingsModel(doc, '17');

  it('names what restarted as the upstream tells it, else as the schema marks it', () => {
    expect(appliedMessage(3, ['max_things'], { message: 'restarted PostgreSQL to apply shared_buffers, max_things; added 1 standby' })).toBe(
      'Applied 3 settings; PostgreSQL restarted (shared_buffers, max_things)',
    );
    expect(appliedMessage(1, [], { message: 'reloaded the configuration; nothing restarted' })).toBe('Applied 1 setting without restart');
    // the upstream's word wins over the marks
    expect(appliedMessage(2, ['max_things'], { message: 'reloaded the configuration; nothing restarted' })).toBe('Applied 2 settings without restart');
    // an upstream that says nothing of it: the schema's marks
    expect(appliedMessage(2, ['max_things'], {})).toBe('Applied 2 settings; PostgreSQL restarted (max_things)');
    expect(appliedMessage(2, [], { message: 'something else' })).toBe('Applied 2 settings without restart');
    expect(restartsTold({ message: 'something else' })).toBeUndefined();
  });

  it('says what is under way while it runs', () => {
    expect(applyingMessage(3, ['shared_buffers'])).toBe('Applying 3 settings; PostgreSQL restarts (shared_buffers)…');
    expect(applyingMessage(1, [])).toBe('Applying 1 setting…');
  });

  it('names the parameter a field sets', () => {
    expect(parameterOf(field(fields, 'shared-buffers-percentage'))).toBe('shared_buffers');
    expect(parameterOf(field(fields, 'work-mem'))).toBe('work_mem');
    expect(parameterOf(field(fields, 'tuning.tuning_delay'))).toBe('tuning_delay');
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
