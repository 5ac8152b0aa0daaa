// Where a fork is restored to: the window check as the restore dialog and the
// create form show it, and the body they send.
import { describe, expect, it } from 'vitest';
import { forkFields, offeredPoints, parseRecoveryTime, recoveryTimeProblem } from './recovery-point';
import { restoreFormSchema, toForkBody, type RestoreForm } from './restore-form';
import { createServiceSchema } from './service';

// as the engine answers it: to the millisecond
const window = { earliest: '2026-03-02T10:00:05.300Z', latest: '2026-03-02T11:30:00.900Z' };
const problem = 'must be within the recoverable window, 2026-03-02 10:00:06 UTC to 2026-03-02 11:30:00 UTC';

describe('recoveryTimeProblem', () => {
  it('takes every whole second of the window, its ends shown as whole seconds inside it', () => {
    expect(recoveryTimeProblem('2026-03-02 10:00:06', window)).toBeNull();
    expect(recoveryTimeProblem('2026-03-02 11:30:00', window)).toBeNull();
    expect(recoveryTimeProblem('2026-03-02 10:00:05', window)).toBe(problem);
    expect(recoveryTimeProblem('2026-03-02 11:30:01', window)).toBe(problem);
  });

  it.each([
    ['2026-03-02 10:15:07', '2026-03-02T10:15:07.000Z'],
    ['  2026-03-02T10:15  ', '2026-03-02T10:15:00.000Z'],
    ['2026-03-02T10:15:07Z', '2026-03-02T10:15:07.000Z'],
    ['2026-03-02T11:45:07+01:30', '2026-03-02T10:15:07.000Z'],
    ['2026-03-02 05:15:07-05:00', '2026-03-02T10:15:07.000Z'],
    ['2026-02-29 10:15:07', null],
    ['2026-03-02 24:00:00', null],
    ['2026-03-02 10:15:7', null],
    ['yesterday', null],
  ])('reads %j as the console shows times (UTC) or RFC 3339: %s', (typed, iso) => {
    expect(parseRecoveryTime(typed)?.toISOString() ?? null).toBe(iso);
  });

  it('says what it wants when it is no time', () => {
    expect(recoveryTimeProblem('', window)).toBe('must be a date and time such as 2026-12-02 14:02:59 (UTC)');
  });
});

describe('offeredPoints', () => {
  it('offers a point in time only where the upstream tells the window, a backup only when one is listed', () => {
    const backup = { 'backup-name': 'b', 'backup-time': '2026-03-02T10:00:05.300Z', 'data-size': 1 };
    expect(offeredPoints({ backups: [backup], 'pgdeck-recovery-window': window })).toEqual(['latest', 'backup', 'time']);
    expect(offeredPoints({ backups: [backup] })).toEqual(['latest', 'backup']);
    expect(offeredPoints({ backups: [] })).toEqual(['latest']);
  });
});

describe('the restore form', () => {
  const base: RestoreForm = { name: 'orders-restored', plan: 'startup-4', recoveryPoint: 'time', recoveryBackup: '', recoveryTime: '2026-03-02 10:30:00' };

  it('checks a typed time against the window, beside the time', () => {
    const r = restoreFormSchema(window).safeParse({ ...base, recoveryTime: '2026-03-02 09:00:00' });
    expect(r.error?.issues.map((i) => [i.path, i.message])).toEqual([[['recoveryTime'], problem]]);
  });

  it('checks only the field of the point chosen, and the new name as every service name', () => {
    const r = restoreFormSchema(window).safeParse({ ...base, name: 'Orders', recoveryPoint: 'backup', recoveryTime: 'junk' });
    expect(r.error?.issues.map((i) => i.path[0])).toEqual(['name', 'recoveryBackup']);
  });

  it('sends the source, the plan and the time, which the API schema takes', () => {
    const bodies = [
      toForkBody('orders', base),
      toForkBody('orders', { ...base, recoveryPoint: 'backup', recoveryBackup: window.earliest }),
      toForkBody('orders', { ...base, recoveryPoint: 'latest' }),
    ];
    expect(bodies).toEqual([
      { plan: 'startup-4', 'fork-from-service': 'orders', 'recovery-backup-time': '2026-03-02T10:30:00Z' },
      { plan: 'startup-4', 'fork-from-service': 'orders', 'recovery-backup-time': '2026-03-02T10:00:05.300Z' },
      { plan: 'startup-4', 'fork-from-service': 'orders' },
    ]);
    for (const body of bodies) expect(createServiceSchema.safeParse(body).success).toBe(true);
  });

  it('sends no time for a point the form did not choose', () => {
    expect(forkFields('orders', { recoveryPoint: 'latest', recoveryBackup: window.earliest, recoveryTime: '2026-03-02T10:30' })).toEqual({ 'fork-from-service': 'orders' });
  });
});
