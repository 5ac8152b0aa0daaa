// Extensions beside the public contract (under /v2/pgdeck, absent from the public zones): who changed what.
// POST /v2/pgdeck/activity pages through every mutating request the engine answered; POST
// /v2/pgdeck/dbaas-postgres/{name}/settings-history through each change of a service's tracked settings.
import { z } from 'zod';
import { serviceNameSchema } from './common';

const pageFields = {
  limit: z.number().int().min(1, 'must be at least 1').max(500, 'must be at most 500').optional(),
  /** The page ends before this entry id (the `next` of the page before): newest first, stable while entries arrive. */
  before: z.number().int().min(1, 'must be at least 1').optional(),
};

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be a date and time (ISO 8601)');

export const activityRequestSchema = z.strictObject({
  ...pageFields,
  service: serviceNameSchema.optional(),
  /** An API key's name. */
  key: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
  /** Entries at or after this time. */
  since: isoTime.optional(),
  /** Entries before this time. */
  until: isoTime.optional(),
});
export type ActivityRequest = z.infer<typeof activityRequestSchema>;

export const activityEntrySchema = z.object({
  id: z.number(),
  time: z.string(),
  key: z.object({ name: z.string(), role: z.string() }),
  method: z.string(),
  /** The route as the engine names it, e.g. `PUT /v2/dbaas-postgres/:name`. */
  route: z.string(),
  path: z.string(),
  service: z.string().nullable(),
  /** The request body with every password and secret replaced by `[redacted]`; absent for viewer keys. */
  body: z.unknown().optional(),
  /** The answer's HTTP status; null when the engine stopped before answering. */
  status: z.number().nullable(),
  operation: z
    .object({ id: z.string(), command: z.string().nullable(), state: z.enum(['pending', 'success', 'failure']).nullable() })
    .nullable(),
  /** The client address as the engine saw it (the console's server, for requests made through the console). */
  client: z.string(),
});
export type ActivityEntry = z.infer<typeof activityEntrySchema>;

export const activityPageSchema = z.object({
  activity: z.array(activityEntrySchema),
  /** Pass as `before` for the next (older) page; absent on the last page. */
  next: z.number().optional(),
});
export type ActivityPage = z.infer<typeof activityPageSchema>;

/** The service fields whose changes are kept as settings history. */
export const TRACKED_SETTINGS = [
  'pg-settings',
  'pgbouncer-settings',
  'pglookout-settings',
  'shared-buffers-percentage',
  'work-mem',
  'ip-filter',
  'plan',
  'maintenance',
  'backup-schedule',
] as const;
export type TrackedSetting = (typeof TRACKED_SETTINGS)[number];
/** The tracked fields a change touched, each as it was (before) and became (after); null: unset. */
export type TrackedValues = Partial<Record<TrackedSetting, unknown>>;

export const settingsHistoryRequestSchema = z.strictObject(pageFields);

export const settingsChangeSchema = z.object({
  id: z.number(),
  time: z.string(),
  /** Who: the key's name; null for a change the engine made by itself (a rollback after a failure, a maintenance). */
  key: z.string().nullable(),
  /** The activity entry of the request that made it. */
  'activity-id': z.number().nullable(),
  /** null: the service was created with `after`. */
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()),
});
export type SettingsChange = z.infer<typeof settingsChangeSchema>;

export const settingsHistorySchema = z.object({
  history: z.array(settingsChangeSchema),
  next: z.number().optional(),
});
export type SettingsHistory = z.infer<typeof settingsHistorySchema>;
