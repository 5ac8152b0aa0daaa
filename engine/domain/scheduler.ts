// Time-driven work, from one place that survives engine restarts: each job
// has a row with when it is due; every few seconds the due ones run, one at a
// time, and their next due time is written with the result. A job that came
// due while the engine was stopped is due at the first tick after start.
import type { NotificationType } from '@/lib/schemas/notification-types';
import type { JobRecord } from '../store/jobs';
import type { Engine } from './engine';

export interface JobKind {
  /** When the job is due next, after a run at `after` (a service's job reads its service's schedule). */
  next(after: Date, engine: Engine, job: Pick<JobRecord, 'service'>): Date;
  /** Engine-wide jobs exist always; per-service jobs are made by their service. */
  perService?: boolean;
  /** Does the work (`now`: the time the scheduler ran it for); answers what it did, kept as the job's last result. */
  run(engine: Engine, job: JobRecord, now: Date): Promise<string>;
  /** A service's job: the notification its first failure in a row writes on the service, and what to call the job. */
  failure?: { type: NotificationType; what: string };
}

/** A failed run is tried again this much later (and says why in its last result). */
const RETRY_MS = 5 * 60 * 1000;

/** The next time of day `hh:mm` UTC strictly after `after`. */
export function nextDailyAt(after: Date, hour: number, minute: number): Date {
  const at = new Date(Date.UTC(after.getUTCFullYear(), after.getUTCMonth(), after.getUTCDate(), hour, minute));
  if (at <= after) at.setUTCDate(at.getUTCDate() + 1);
  return at;
}

export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly engine: Engine, private readonly kinds: Record<string, JobKind>, private readonly intervalMs = 5000) {}

  /** Makes sure the engine-wide jobs exist (their schedule is kept when they do). */
  ensureJobs(now = new Date()): void {
    for (const [kind, k] of Object.entries(this.kinds)) {
      if (!k.perService) this.engine.jobs.ensure(kind, kind, null, k.next(now, this.engine, { service: null }));
    }
  }

  start(): void {
    this.ensureJobs();
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Runs what is due now, one job after the other; a tick still running is not started twice. */
  tick(now = new Date()): Promise<void> {
    // a run cut off by the engine stopping (its store closed under it) is due again at the next start
    this.running ??= this.runDue(now)
      .catch((err: Error) => console.error(`scheduler: ${err.message}`))
      .finally(() => (this.running = null));
    return this.running;
  }

  private async runDue(now: Date): Promise<void> {
    const { engine } = this;
    for (const job of engine.jobs.due(now)) {
      const kind = this.kinds[job.kind];
      if (!kind) continue;
      const started = new Date();
      try {
        const result = await kind.run(engine, job, now);
        engine.jobs.ran(job.name, started, result, kind.next(started, engine, job));
        console.log(`job ${job.name}: ${result}`);
      } catch (err) {
        const message = `failed: ${(err as Error).message}`;
        const retry = new Date(started.getTime() + RETRY_MS);
        engine.jobs.ran(job.name, started, message, retry);
        console.error(`job ${job.name} ${message}`);
        // once per run of failures: a job retried every few minutes must not push every other event out
        if (kind.failure && job.service && engine.services.get(job.service) && !job.lastResult?.startsWith('failed:')) {
          engine.services.notify(job.service, {
            level: 'warning',
            type: kind.failure.type,
            message: `${kind.failure.what} failed (tried again every ${RETRY_MS / 60_000} minutes until it succeeds): ${(err as Error).message}`.slice(0, 1024),
            metadata: { job: job.name, 'retry-at': retry.toISOString() },
          });
        }
      }
    }
  }
}
