import { describe, expect, it } from 'vitest';
import { formatUtc, formatZoned, toDate } from './time';

const at = '2026-12-03T13:05:09.042Z';

describe('formatUtc', () => {
  it('shows the instant in UTC to the minute, second or millisecond', () => {
    expect(formatUtc(at)).toBe('2026-12-03 13:05 UTC');
    expect(formatUtc(at, 'second')).toBe('2026-12-03 13:05:09 UTC');
    expect(formatUtc(new Date(at), 'millisecond')).toBe('2026-12-03 13:05:09.042 UTC');
  });
  it('shows a dash for no time or nonsense', () => {
    for (const x of [undefined, null, '', 'soon', {}]) expect(formatUtc(x)).toBe('–');
  });
});

describe('formatZoned', () => {
  it('shows the instant in the zone, named as the locale names it', () => {
    expect(formatZoned(at, 'minute', 'Europe/Paris', 'en-GB')).toBe('2026-12-03 14:05 CET');
    expect(formatZoned(at, 'minute', 'Europe/Paris', 'en-US')).toBe('2026-12-03 14:05 GMT+1');
    expect(formatZoned(at, 'second', 'America/New_York', 'en-US')).toBe('2026-12-03 08:05:09 EST');
    expect(formatZoned(at, 'millisecond', 'UTC', 'en-US')).toBe('2026-12-03 13:05:09.042 UTC');
  });
  it('follows summer time and a day that changes with the zone', () => {
    expect(formatZoned('2026-07-01T22:30:00Z', 'minute', 'Europe/Paris', 'en-GB')).toBe('2026-07-02 00:30 CEST');
    expect(formatZoned('2026-07-01T22:30:00Z', 'minute', 'Asia/Kolkata', 'en-US')).toBe('2026-07-02 04:00 GMT+5:30');
  });
  it('keeps digits, order, 24 h and the Gregorian year whatever the locale', () => {
    expect(formatZoned(at, 'minute', 'Asia/Tokyo', 'ja-JP-u-ca-japanese')).toMatch(/^2026-12-03 22:05 \S+$/);
    expect(formatZoned(at, 'minute', 'Asia/Riyadh', 'ar-SA')).toMatch(/^2026-12-03 16:05 \S/);
    expect(formatZoned('2026-12-03T00:05:00Z', 'minute', 'UTC', 'en-US')).toBe('2026-12-03 00:05 UTC');
  });
  it('shows a dash for no time', () => {
    expect(formatZoned(undefined)).toBe('–');
    expect(toDate('not a time')).toBeUndefined();
  });
});
