// What a pre-check (major upgrade, migration) finds: each a stable code, the
// database it concerns, and what to do; and the dbaas-task that carries them,
// run in the background and answered within a POST's patience.
import type { ResultCode, TaskRecord } from '../store/tasks';
import type { Engine } from './engine';

export interface Finding {
  code: string;
  dbname?: string;
  detail: string;
  /** Not a blocker: said so the user knows (a setting the upgrade drops). */
  notice?: boolean;
}

export const blockers = (findings: Finding[]): Finding[] => findings.filter((f) => !f.notice);

/** `code dbname: detail`, one line each: the task's `result` and the operation's failure message. */
export const describeFindings = (findings: Finding[]): string =>
  findings.map((f) => `${f.code}${f.dbname ? ` ${f.dbname}` : ''}: ${f.detail}`).join('\n');

/** The task's `result-codes`: notices too. */
export const resultCodes = (findings: Finding[]): ResultCode[] => findings.map((f) => ({ code: f.code, ...(f.dbname ? { dbname: f.dbname } : {}) }));

/** A POST waits this long for its check; a longer one answers running and is read at GET /v2/dbaas-task. */
const ANSWER_WITHIN_MS = 25_000;

export interface CheckOutcome {
  success: boolean;
  result: string;
  codes: ResultCode[];
}

/**
 * Runs a check for task `taskId` in the background (an engine stop waits for it) and finishes the task with
 * its outcome, or as `check-failed` when it could not run; `after` sees the finished task. Resolves once
 * that is done, or after ANSWER_WITHIN_MS, whichever comes first.
 */
export async function runCheckTask(engine: Engine, taskId: string, check: () => Promise<CheckOutcome>, after?: (task: TaskRecord) => void): Promise<void> {
  const work = (async () => {
    try {
      const { success, result, codes } = await check();
      engine.tasks.finish(taskId, success, result, codes);
    } catch (err) {
      engine.tasks.finish(taskId, false, `the check could not run: ${(err as Error).message}`, [{ code: 'check-failed' }]);
    }
    try {
      after?.(engine.tasks.get(taskId) as TaskRecord);
    } catch (err) {
      // the store closed under it (an engine stop): the restart fails what is left unfinished
      console.error(`check ${taskId}: ${(err as Error).message}`);
    }
  })();
  engine.inflight.add(work);
  void work.finally(() => engine.inflight.delete(work));
  await Promise.race([work, new Promise((r) => setTimeout(r, ANSWER_WITHIN_MS).unref())]);
}
