// A service's maintenance window: a day of the week and a time (UTC), or
// `never` (updates only on demand). An update is applied when its window
// starts, or within WINDOW_HOURS after (the engine was busy or stopped then);
// a window missed by more than that waits for the next one.
import type { Maintenance } from '@/lib/schemas/common';

export const WINDOW_HOURS = 4;

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;
const days = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** The window's start in the week of `at` (same UTC Sunday-based week), null for `never`. */
function startInWeekOf(at: Date, m: Maintenance): Date | null {
  const day = days.indexOf(m.dow);
  if (day < 0) return null;
  const [h = 0, min = 0, s = 0] = m.time.split(':').map(Number);
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate(), h, min, s));
  start.setUTCDate(start.getUTCDate() + day - at.getUTCDay());
  return start;
}

/** The first window start strictly after `after`; null for `never`. */
export function nextWindow(after: Date, m: Maintenance): Date | null {
  const start = startInWeekOf(after, m);
  if (!start) return null;
  while (start <= after) start.setUTCDate(start.getUTCDate() + 7);
  return start;
}

/** The window `at` falls in (its start), or null when `at` is outside every window. */
export function windowAt(at: Date, m: Maintenance): Date | null {
  const start = startInWeekOf(at, m);
  if (!start) return null;
  if (start > at) start.setUTCDate(start.getUTCDate() - 7);
  return at.getTime() - start.getTime() < WINDOW_HOURS * HOUR_MS ? start : null;
}

/** When the scheduler next looks at a `never` service: far enough to be never, a date SQLite and ISO can hold. */
export const NEVER = new Date(Date.UTC(9999, 0, 1));

export const daysLater = (d: Date, n: number): Date => new Date(d.getTime() + n * DAY_MS);
