// Where an upgrade is, read from its operation: while pending the message says
// the step (`upgrade 17 → 18: backup (2/5)`); at the end, success, or failure
// (rolled back, when the message says so: the service runs its old major as before).
import type { TrackedOperation } from '@/lib/queries/operation-log';
import { upgradeSteps, type UpgradeStep } from '@/lib/schemas/upgrade-steps';

export const stepLabels: Record<UpgradeStep, string> = {
  check: 'Check',
  backup: 'Back up',
  upgrade: 'Upgrade',
  verify: 'Verify',
  switch: 'Switch over',
};

export type UpgradeOutcome = 'pending' | 'success' | 'rolled-back' | 'failed';

export function upgradeOutcome(op: Pick<TrackedOperation, 'state' | 'message'>): UpgradeOutcome {
  if (op.state === 'pending') return 'pending';
  if (op.state === 'success') return 'success';
  return /rolled back/i.test(op.message ?? '') ? 'rolled-back' : 'failed';
}

export type StepState = 'done' | 'current' | 'failed' | 'waiting';

/** Each step's state, given the last step seen running and the outcome so far. */
export function stepStates(lastStep: number | null, outcome: UpgradeOutcome): StepState[] {
  return upgradeSteps.map((_, i) => {
    if (outcome === 'success') return 'done';
    const at = lastStep ?? 0;
    if (i < at) return 'done';
    if (i > at) return 'waiting';
    return outcome === 'pending' ? 'current' : 'failed';
  });
}

/** Newer majors than `current` among those offered, newest first. */
export function newerVersions(offered: readonly string[], current: string | undefined): string[] {
  const now = Number(current);
  return offered.filter((v) => Number.isFinite(Number(v)) && (!Number.isFinite(now) || Number(v) > now)).sort((a, b) => Number(b) - Number(a));
}
