// A dbaas-task: work the API runs beside a service and reports on when asked
// (GET /v2/dbaas-task/{service}/{id}), such as an upgrade check
// (POST /v2/dbaas-postgres/{name}/upgrade-check).
import { z } from 'zod';

/** Task ids go into a path: nothing but what an id is made of. */
export const taskIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a task id');

/** One finding of a task: a stable code, and the database it is about when it is about one. */
export const taskResultCodeSchema = z.object({
  code: z.string(),
  dbname: z.string().optional(),
});
export type TaskResultCode = z.infer<typeof taskResultCodeSchema>;

export const dbaasTaskSchema = z.object({
  id: z.string(),
  'create-time': z.string().optional(),
  'task-type': z.string().optional(),
  /** Absent while the task runs. */
  success: z.boolean().optional(),
  /** Plain text, one line per finding: `<code> <dbname>: <detail>`, or `<code>: <detail>`. */
  result: z.string().default(''),
  'result-codes': z.array(taskResultCodeSchema).default([]),
});
export type DbaasTask = z.infer<typeof dbaasTaskSchema>;

/** Whether a task has ended (its `success` is told). */
export const taskDone = (task: Pick<DbaasTask, 'success'>): boolean => task.success !== undefined;

/** POST /v2/dbaas-postgres/{name}/upgrade-check: the major to check an upgrade to. */
export const upgradeCheckSchema = z.strictObject({
  'target-version': z.string().regex(/^\d{1,3}$/, 'must be a major version such as 18'),
});
export type UpgradeCheck = z.infer<typeof upgradeCheckSchema>;
