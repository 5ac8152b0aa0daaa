// How the console shows an instant: in the reader's time zone with the zone
// named (`2026-12-03 14:05 CET`), and in UTC for the hover and for the server's
// render, which knows no reader's zone (components/services/time.tsx switches).
// Digits, order and calendar are fixed (ISO-like, Gregorian, Latin digits);
// the zone's name is the reader's locale's (`CET` in en-GB, `GMT+1` in en-US).

/** To the minute (the default), the second (backups, restores) or the millisecond (log lines). */
export type TimePrecision = 'minute' | 'second' | 'millisecond';

/** An instant from an ISO 8601 string, a Date or milliseconds; undefined for nothing or nonsense. */
export function toDate(at: unknown): Date | undefined {
  const d = at instanceof Date ? at : typeof at === 'number' || (typeof at === 'string' && at) ? new Date(at) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}

const lengths: Record<TimePrecision, number> = { minute: 16, second: 19, millisecond: 23 };

/** `2026-12-03 13:05 UTC` (`13:05:09`, `13:05:09.042` with the precision), or a dash for no time. */
export function formatUtc(at: unknown, precision: TimePrecision = 'minute'): string {
  const d = toDate(at);
  return d ? `${d.toISOString().slice(0, lengths[precision]).replace('T', ' ')} UTC` : '–';
}

const formats = new Map<string, Intl.DateTimeFormat>();

function zonedFormat(precision: TimePrecision, timeZone: string | undefined, locale: string | undefined): Intl.DateTimeFormat {
  const key = `${precision} ${timeZone ?? ''} ${locale ?? ''}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: precision === 'minute' ? undefined : '2-digit',
      fractionalSecondDigits: precision === 'millisecond' ? 3 : undefined,
      timeZoneName: 'short',
    });
    formats.set(key, f);
  }
  return f;
}

/**
 * `2026-12-03 14:05 CET`: in `timeZone` (the runtime's own, the reader's in a browser, when not given), the zone
 * named as `locale` (the runtime's when not given) names it; a dash for no time.
 */
export function formatZoned(at: unknown, precision: TimePrecision = 'minute', timeZone?: string, locale?: string): string {
  const d = toDate(at);
  if (!d) return '–';
  const p: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of zonedFormat(precision, timeZone, locale).formatToParts(d)) p[part.type] = part.value;
  const seconds = precision === 'minute' ? '' : `:${p.second}${precision === 'millisecond' ? `.${p.fractionalSecond}` : ''}`;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}${seconds} ${p.timeZoneName}`;
}
