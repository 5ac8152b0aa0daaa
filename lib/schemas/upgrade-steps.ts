// The steps of a major upgrade as its pending operation's message names them
// (`upgrade 17 → 18: backup (2/5)`): written by the engine, read by the console.
export const upgradeSteps = ['check', 'backup', 'upgrade', 'verify', 'switch'] as const;
export type UpgradeStep = (typeof upgradeSteps)[number];

/** The message of a pending upgrade at `step`. */
export const upgradeStepMessage = (from: string, to: string, step: UpgradeStep): string =>
  `upgrade ${from} → ${to}: ${step} (${upgradeSteps.indexOf(step) + 1}/${upgradeSteps.length})`;

/** The step a pending upgrade's message names (0-based), or null when it names none. */
export function upgradeStepOf(message: string | undefined): number | null {
  const m = /:\s*([a-z]+)\s*\((\d+)\/(\d+)\)\s*$/.exec(message ?? '');
  if (!m) return null;
  const byName = upgradeSteps.indexOf(m[1] as UpgradeStep);
  if (byName >= 0) return byName;
  const k = Number(m[2]);
  return k >= 1 && k <= upgradeSteps.length ? k - 1 : null;
}
