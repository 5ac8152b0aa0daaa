import { describe, expect, it } from 'vitest';
import type { SettingField } from '@/lib/settings-form/fields';
import { flatten, historyValue, keyChanges, revertOf, touchesEditor } from './settings-changes';

const field = (path: string[], kind: SettingField['kind'] = 'integer', clearable = true) => ({ path, kind, clearable }) as SettingField;

describe('flatten', () => {
  it('walks objects to their values; lists, scalars and null are values; an empty object holds none', () => {
    expect(flatten({ 'pg-settings': { autovacuum: { autovacuum_naptime: 45 }, jit: false }, 'pgbouncer-settings': {}, 'ip-filter': ['10.0.0.0/8'], 'work-mem': null })).toEqual([
      { path: ['pg-settings', 'autovacuum', 'autovacuum_naptime'], value: 45 },
      { path: ['pg-settings', 'jit'], value: false },
      { path: ['ip-filter'], value: ['10.0.0.0/8'] },
      { path: ['work-mem'], value: null },
    ]);
    expect(flatten(null)).toEqual([]);
  });
});

describe('keyChanges', () => {
  it('lists only the keys that differ, unset and null alike, in the tracked fields’ order', () => {
    const changes = keyChanges({
      before: { plan: 'hobbyist-2', 'pg-settings': { deadlock_timeout: 2000, 'pg_stat_statements.track': 'top' }, 'work-mem': null },
      after: { plan: 'startup-4', 'pg-settings': { deadlock_timeout: 2000, max_connections: 200 }, 'work-mem': 8 },
    });
    expect(changes).toEqual([
      { path: ['pg-settings', 'max_connections'], key: 'pg-settings.max_connections', before: undefined, after: 200 },
      { path: ['pg-settings', 'pg_stat_statements.track'], key: 'pg-settings.pg_stat_statements.track', before: 'top', after: undefined },
      { path: ['work-mem'], key: 'work-mem', before: undefined, after: 8 },
      { path: ['plan'], key: 'plan', before: 'hobbyist-2', after: 'startup-4' },
    ]);
  });

  it('reads a creation (before null) as each value set from the default', () => {
    expect(keyChanges({ before: null, after: { plan: 'hobbyist-2', 'pg-settings': {}, 'work-mem': null } })).toEqual([{ path: ['plan'], key: 'plan', before: undefined, after: 'hobbyist-2' }]);
  });
});

describe('historyValue', () => {
  it.each([
    [undefined, 'default'],
    [null, 'default'],
    [[], 'none'],
    [['10.0.0.0/8', '::/0'], '10.0.0.0/8, ::/0'],
    ['', '""'],
    [false, 'false'],
    [128, '128'],
  ])('%j → %s', (value, text) => expect(historyValue(value)).toBe(text));
});

describe('revertOf', () => {
  const fields = [field(['pg-settings', 'max_connections']), field(['pg-settings', 'jit'], 'switch'), field(['work-mem'], 'integer', false), field(['shared-buffers-percentage'], 'integer', false)];

  it('puts back each editor key as it was before: set where it was set, cleared where it was unset', () => {
    const changes = keyChanges({
      before: { 'pg-settings': { jit: true }, 'shared-buffers-percentage': 25, plan: 'hobbyist-2' },
      after: { 'pg-settings': { max_connections: 200 }, 'shared-buffers-percentage': 30, plan: 'startup-4' },
    });
    expect(revertOf(changes, fields)).toEqual({
      drafts: [
        { field: fields[1], draft: true },
        { field: fields[0], draft: '' },
        { field: fields[3], draft: '25' },
      ],
      skipped: [],
    });
  });

  it('skips what the editor cannot put back: a key this major lacks, a default that cannot be sent', () => {
    const changes = keyChanges({ before: { 'pg-settings': {}, 'work-mem': null }, after: { 'pg-settings': { gone_key: 1 }, 'work-mem': 8 } });
    expect(revertOf(changes, fields)).toEqual({ drafts: [], skipped: ['pg-settings.gone_key', 'work-mem'] });
  });

  it('has nothing to revert in the editor for a change of other fields alone', () => {
    const changes = keyChanges({ before: { 'ip-filter': [], maintenance: { dow: 'monday', time: '02:00:00' } }, after: { 'ip-filter': ['0.0.0.0/0'], maintenance: { dow: 'sunday', time: '02:00:00' } } });
    expect(changes.map((c) => c.key)).toEqual(['ip-filter', 'maintenance.dow']);
    expect(touchesEditor(changes)).toBe(false);
    expect(revertOf(changes, fields).drafts).toEqual([]);
  });
});
