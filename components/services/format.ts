// How sizes, durations and the maintenance window read on the services pages.
// An instant reads in the reader's zone (time.tsx, lib/time.ts); the window is
// a weekly time the upstream keeps in UTC, so it reads in UTC, as it is set.
const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** `4 GiB`, `1.4 GiB`, `31 MiB`: a decimal below 10 of a unit, where it says something. */
export function formatBytes(n?: number): string {
  if (n === undefined) return '–';
  let i = 0;
  while (i < units.length - 1 && n >= 1024 ** (i + 1)) i++;
  const v = n / 1024 ** i;
  return `${v < 10 && i > 0 ? Number(v.toFixed(1)) : Math.round(v)} ${units[i]}`;
}

/** `0.6 s`, `42 s`, `3 min 5 s`, `2 h 10 min`: a decimal only below 10 seconds. */
export function formatSeconds(s?: number | null): string {
  if (s === undefined || s === null || !Number.isFinite(s)) return '–';
  if (s < 10) return `${Number(s.toFixed(1))} s`;
  const whole = Math.round(s);
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) return `${Math.floor(whole / 60)} min${whole % 60 ? ` ${whole % 60} s` : ''}`;
  const minutes = Math.floor((whole % 3600) / 60);
  return `${Math.floor(whole / 3600)} h${minutes ? ` ${minutes} min` : ''}`;
}

/** A maintenance day as a choice reads: `Sunday`, or `Never (only on demand)`. */
export const dayLabel = (dow: string): string => (dow === 'never' ? 'Never (only on demand)' : dow.charAt(0).toUpperCase() + dow.slice(1));

/** `every Sunday at 04:00 UTC` (seconds only when set), or what never means. */
export function windowText(m: { dow: string; time: string }): string {
  if (m.dow === 'never') return 'never: updates wait until someone applies them';
  const time = m.time.endsWith(':00') && m.time.length === 8 ? m.time.slice(0, 5) : m.time;
  return `every ${dayLabel(m.dow)} at ${time} UTC`;
}
