// When a service's disk use is worth a notification: past DISK_WARN_PERCENT of its plan's disk, once, and again only
// after it went back below DISK_CLEAR_PERCENT (the gap keeps a disk hovering at the line from flapping).
export const DISK_WARN_PERCENT = 90;
export const DISK_CLEAR_PERCENT = 85;

export function diskAlert(warned: boolean, usagePercent: number | undefined): 'warn' | 'clear' | null {
  if (usagePercent === undefined) return null;
  if (!warned && usagePercent >= DISK_WARN_PERCENT) return 'warn';
  if (warned && usagePercent < DISK_CLEAR_PERCENT) return 'clear';
  return null;
}
