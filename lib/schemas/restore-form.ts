// The restore dialog: a fork of the service whose Backups tab it opens from,
// under a new name and a plan, restored to the point chosen (lib/schemas/recovery-point.ts).
import { z } from 'zod';
import { serviceNameSchema } from './common';
import { checkRecoveryPoint, forkFields, recoveryFieldFor, recoveryPointFields } from './recovery-point';
import type { CreateService, RecoveryWindow } from './service';

/** The form's checks, a typed time against the source's window as it is now. */
export const restoreFormSchema = (window: RecoveryWindow | undefined) =>
  z
    .object({ name: serviceNameSchema, plan: z.string().min(1, 'choose a plan'), ...recoveryPointFields })
    .superRefine((v, ctx) => checkRecoveryPoint(v, ctx, window));
export type RestoreForm = z.infer<ReturnType<typeof restoreFormSchema>>;

/** The POST body that makes the fork; the major is the source's, so none is sent. */
export const toForkBody = (source: string, v: RestoreForm): CreateService => ({ plan: v.plan, ...forkFields(source, v) });

/** The form field an API error's `field` belongs to, if any. */
export function restoreFieldFor(apiField: string | undefined, v: RestoreForm): keyof RestoreForm | undefined {
  if (apiField === 'plan') return 'plan';
  if (apiField === 'recovery-backup-time') return recoveryFieldFor(v.recoveryPoint);
  return undefined;
}
