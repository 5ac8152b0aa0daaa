// Every kind of scheduled job the engine runs, by name: the scheduler runs them.
import { backupJob } from './backups';
import { maintenanceJob } from './maintenance';
import { nextDailyAt, type JobKind } from './scheduler';

/** Finished operations are kept this long, then pruned (GET /v2/operation/{id} answers 404 after). */
export const OPERATIONS_KEPT_DAYS = 30;

export const jobKinds: Record<string, JobKind> = {
  'prune-operations': {
    next: (after) => nextDailyAt(after, 0, 30),
    run: async (engine) => {
      const before = new Date(Date.now() - OPERATIONS_KEPT_DAYS * 24 * 3600 * 1000);
      const tasks = engine.tasks.pruneFinished(before);
      return `pruned ${engine.operations.pruneFinished(before)} operation(s) and ${tasks} task(s) finished before ${before.toISOString()}`;
    },
  },
  backup: backupJob,
  maintenance: maintenanceJob,
};
