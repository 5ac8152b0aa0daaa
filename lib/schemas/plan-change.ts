// GET /v2/pgdeck/dbaas-postgres/{name}/plan-changes: an extension beside the public contract (the public zones do
// not have it). For each plan the service could move to, what the move would change in PostgreSQL and whether the
// upstream would refuse it, worked out by the same code that makes the change; and what the service holds now.
import { z } from 'zod';

export const planParameterChangeSchema = z.object({
  /** The PostgreSQL parameter, e.g. shared_buffers. */
  name: z.string(),
  /** As postgresql.conf has it (`512MB`); null where the parameter is not set. */
  from: z.string().nullable(),
  to: z.string().nullable(),
  /** PostgreSQL takes the new value only at a restart. */
  restart: z.boolean(),
  /** Derived from one of the service's own settings (shared-buffers-percentage), not from the plan alone. */
  'from-settings': z.boolean(),
});
export type PlanParameterChange = z.infer<typeof planParameterChangeSchema>;

export const planChangeSchema = z.object({
  plan: z.string(),
  parameters: z.array(planParameterChangeSchema),
  /** Why the upstream would refuse this move now, in the words of its answer to the change. */
  refused: z.object({ message: z.string(), field: z.string().optional() }).optional(),
});
export type PlanChange = z.infer<typeof planChangeSchema>;

export const diskUseSchema = z.object({
  databases: z.number(),
  wal: z.number(),
  backups: z.number(),
  total: z.number(),
});

export const planChangesSchema = z.object({
  /** Bytes the service holds now, counted against a plan's disk; null when it could not be measured. */
  'disk-use': diskUseSchema.nullable(),
  'plan-changes': z.array(planChangeSchema),
});
export type PlanChanges = z.infer<typeof planChangesSchema>;

/** The console's answer (GET /api/services/{name}/plan-changes): the upstream's, or `plan-changes: null` where it has none. */
export const planChangesAnswerSchema = z.object({
  'disk-use': diskUseSchema.nullable().optional(),
  'plan-changes': z.array(planChangeSchema).nullable(),
});
export type PlanChangesAnswer = z.infer<typeof planChangesAnswerSchema>;
