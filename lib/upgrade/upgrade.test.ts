// Reading an upgrade: the check's findings as the dialog shows them, and the
// operation's steps and outcome as the stepper does.
import { describe, expect, it } from 'vitest';
import { readCheck } from './findings';
import { upgradeStepMessage, upgradeStepOf } from '@/lib/schemas/upgrade-steps';
import { newerVersions, stepStates, upgradeOutcome } from './steps';

describe('readCheck', () => {
  it('groups blockers by database, the service first, with their own lines; notices apart', () => {
    const reading = readCheck({
      success: false,
      result: [
        'PostgreSQL 17 → 18: 3 blocker(s)',
        'reg-type-columns shop: public.t.r (regproc)',
        'reg-type-columns shop: public.u.p (regprocedure)',
        'prepared-transactions app: 1 prepared transaction (tx1)',
        'service-not-running: the service is rebuilding',
        'setting-dropped: pg-settings.old_setting',
      ].join('\n'),
      'result-codes': [
        { code: 'reg-type-columns', dbname: 'shop' },
        { code: 'prepared-transactions', dbname: 'app' },
        { code: 'service-not-running' },
        { code: 'setting-dropped' },
      ],
    });
    expect(reading.passed).toBe(false);
    expect(reading.blockers.map((g) => [g.dbname, g.findings.map((f) => f.code)])).toEqual([
      [undefined, ['service-not-running']],
      ['app', ['prepared-transactions']],
      ['shop', ['reg-type-columns']],
    ]);
    const reg = reading.blockers[2]?.findings[0];
    expect(reg?.details).toEqual(['public.t.r (regproc)', 'public.u.p (regprocedure)']);
    expect(reg?.fix).toBe('Change those columns to text or oid.');
    expect(reading.notices).toEqual([
      expect.objectContaining({ code: 'setting-dropped', details: ['pg-settings.old_setting'], known: true }),
    ]);
  });

  it('shows a code it does not know with its lines: a blocker when the check failed, a notice when it passed', () => {
    const task = { result: 'new-thing db1: something new\nnew-thing db2: other', 'result-codes': [{ code: 'new-thing', dbname: 'db1' }] };
    const failed = readCheck({ ...task, success: false });
    expect(failed.blockers[0]?.findings[0]).toEqual({ code: 'new-thing', dbname: 'db1', title: 'new-thing', fix: undefined, details: ['something new'], known: false });
    const passed = readCheck({ ...task, success: true });
    expect([passed.passed, passed.blockers, passed.notices.map((f) => f.code)]).toEqual([true, [], ['new-thing']]);
  });

  it('says a code once per database, and does not take a name that merely starts alike', () => {
    const reading = readCheck({
      success: false,
      result: 'changed-data-type db: a.b (aclitem)\nchanged-data-type db2: c.d (aclitem)',
      'result-codes': [{ code: 'changed-data-type', dbname: 'db' }, { code: 'changed-data-type', dbname: 'db' }],
    });
    expect(reading.blockers).toHaveLength(1);
    expect(reading.blockers[0]?.findings.map((f) => f.details)).toEqual([['a.b (aclitem)']]);
  });
});

describe('upgrade steps', () => {
  it('reads the step of a pending message', () => {
    expect(upgradeStepOf('upgrade 17 → 18: check (1/5)')).toBe(0);
    expect(upgradeStepOf('upgrade 17 → 18: verify (4/5)')).toBe(3);
    expect(upgradeStepOf('upgrade 17 → 18: copying (3/5)')).toBe(2);
    expect(upgradeStepOf('upgraded 17 → 18 in 42 s')).toBeNull();
    expect(upgradeStepOf(undefined)).toBeNull();
    // what the engine writes is what the console reads
    expect(upgradeStepOf(upgradeStepMessage('17', '18', 'switch'))).toBe(4);
  });

  it('tells success, a rollback and a failure apart', () => {
    expect(upgradeOutcome({ state: 'pending' })).toBe('pending');
    expect(upgradeOutcome({ state: 'success', message: 'upgraded 17 → 18 in 42 s, writes refused for 3.1 s' })).toBe('success');
    expect(upgradeOutcome({ state: 'failure', message: 'verify failed: x; rolled back: the service runs PostgreSQL 17 as before' })).toBe('rolled-back');
    expect(upgradeOutcome({ state: 'failure', message: 'version: cannot downgrade' })).toBe('failed');
    expect(upgradeOutcome({ state: 'error', message: 'request failed (HTTP 503)' })).toBe('failed');
  });

  it('marks the steps before the last seen done, that one current or failed, the rest to come', () => {
    expect(stepStates(2, 'pending')).toEqual(['done', 'done', 'current', 'waiting', 'waiting']);
    expect(stepStates(3, 'rolled-back')).toEqual(['done', 'done', 'done', 'failed', 'waiting']);
    expect(stepStates(null, 'pending')).toEqual(['current', 'waiting', 'waiting', 'waiting', 'waiting']);
    expect(stepStates(1, 'success')).toEqual(['done', 'done', 'done', 'done', 'done']);
  });

  it('offers only newer majors, newest first', () => {
    expect(newerVersions(['13', '14', '15', '16', '17', '18'], '16')).toEqual(['18', '17']);
    expect(newerVersions(['17', '18'], '18')).toEqual([]);
  });
});
