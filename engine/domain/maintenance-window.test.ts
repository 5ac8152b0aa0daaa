import { describe, expect, it } from 'vitest';
import { nextWindow, windowAt } from './maintenance-window';

const at = (iso: string) => new Date(iso);

describe('maintenance window', () => {
  // 2026-03-04 is a Wednesday
  it('starts next on its day and time, strictly after', () => {
    expect(nextWindow(at('2026-03-04T10:00:00Z'), { dow: 'sunday', time: '04:00:00' })?.toISOString()).toBe('2026-03-08T04:00:00.000Z');
    expect(nextWindow(at('2026-03-04T03:59:59Z'), { dow: 'wednesday', time: '04:00:00' })?.toISOString()).toBe('2026-03-04T04:00:00.000Z');
    expect(nextWindow(at('2026-03-04T04:00:00Z'), { dow: 'wednesday', time: '04:00:00' })?.toISOString()).toBe('2026-03-11T04:00:00.000Z');
    expect(nextWindow(at('2026-03-07T23:00:00Z'), { dow: 'monday', time: '23:30:15' })?.toISOString()).toBe('2026-03-09T23:30:15.000Z');
  });

  it('never has none', () => {
    expect(nextWindow(at('2026-03-04T10:00:00Z'), { dow: 'never', time: '04:00:00' })).toBeNull();
    expect(windowAt(at('2026-03-04T10:00:00Z'), { dow: 'never', time: '04:00:00' })).toBeNull();
  });

  it('is open for a few hours from its start, across midnight and the week', () => {
    const sat = { dow: 'saturday', time: '22:00:00' } as const;
    expect(windowAt(at('2026-03-08T01:30:00Z'), sat)?.toISOString()).toBe('2026-03-07T22:00:00.000Z');
    expect(windowAt(at('2026-03-08T02:00:00Z'), sat)).toBeNull();
    expect(windowAt(at('2026-03-07T21:59:59Z'), sat)).toBeNull();
    expect(windowAt(at('2026-03-07T22:00:00Z'), sat)?.toISOString()).toBe('2026-03-07T22:00:00.000Z');
  });
});
