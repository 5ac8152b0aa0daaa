// PostgreSQL's units for memory and time parameters, and how API numbers in
// one of them are written into postgresql.conf.
import type { ConfValue } from '../runtime/instance';

const size: Record<string, number> = {
  B: 1, kB: 1024, '8kB': 8192, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4,
  us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000,
};

/** How many `to` units one `from` unit is (1 when either has no unit or they are the same). */
export function unitFactor(from: string | null | undefined, to: string | null | undefined): number {
  if (!from || !to || from === to) return 1;
  const a = size[from];
  const b = size[to];
  if (a === undefined || b === undefined) throw new Error(`cannot convert ${from} to ${to}`);
  return a / b;
}

/** The value with its unit explicit, so PostgreSQL never guesses: 500ms, 2097152B; pages of 8kB are written in kB. */
export function withUnit(value: number, unit: string | undefined): ConfValue {
  if (!unit) return value;
  if (unit === '8kB') return `${value * 8}kB`;
  if (size[unit] === undefined) throw new Error(`unknown unit ${unit}`);
  return `${value}${unit}`;
}
