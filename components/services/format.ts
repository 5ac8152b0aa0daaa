// How sizes and times read on the services pages. Times are in UTC, as the
// maintenance window and backup time are: the server renders them, and it
// does not know the reader's time zone.
const GiB = 1024 ** 3;

export const formatBytes = (n?: number) => (n === undefined ? '–' : n >= GiB ? `${Math.round(n / GiB)} GiB` : `${Math.round(n / 1024 ** 2)} MiB`);

/** `2026-11-27 06:42 UTC`, or a dash when there is no time. */
export function formatTime(iso: unknown): string {
  const t = typeof iso === 'string' && iso ? new Date(iso) : undefined;
  return t && !Number.isNaN(t.getTime()) ? `${t.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '–';
}
