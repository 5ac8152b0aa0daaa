// Database access without SQL (issue 16), an extension beside the public contract under /v2/pgdeck: per database
// and user one of four levels, applied as real grants and read back from the catalogs.
import { z } from 'zod';

export const ACCESS_LEVELS = ['none', 'read', 'read-write', 'owner'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

export const ACCESS_LEVEL_MEANING: Record<AccessLevel, string> = {
  none: 'no privileges of its own in the database (what PUBLIC has still applies)',
  read: 'connect, use every schema, SELECT every table and sequence, also those made later',
  'read-write': 'read, plus write every table, use sequences and create tables in every schema, also for tables made later',
  owner: 'read-write, and owns the database and its public schema',
};

export const accessChangeSchema = z.strictObject({
  database: z.string().min(1, 'must not be empty').max(63, 'must be at most 63 characters'),
  username: z.string().min(1, 'must not be empty').max(63, 'must be at most 63 characters'),
  level: z.enum(ACCESS_LEVELS, { error: `must be one of ${ACCESS_LEVELS.join(', ')}` }),
});
export type AccessChange = z.infer<typeof accessChangeSchema>;

export const accessEntrySchema = z.object({
  database: z.string(),
  username: z.string(),
  level: z.enum(ACCESS_LEVELS),
  /** The user holds privileges beyond its level (a grant on some tables only, made by SQL). */
  partial: z.boolean(),
});
export type AccessEntry = z.infer<typeof accessEntrySchema>;

export const accessViewSchema = z.object({
  databases: z.array(z.string()),
  users: z.array(z.string()),
  /** The admin user, whose own access is not changed here. */
  admin: z.string(),
  access: z.array(accessEntrySchema),
});
export type AccessView = z.infer<typeof accessViewSchema>;

/** What a change would run (the preview) or ran. */
export const accessPlanSchema = z.object({ statements: z.array(z.string()) });
export type AccessPlan = z.infer<typeof accessPlanSchema>;
