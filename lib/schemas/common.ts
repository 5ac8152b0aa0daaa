// Names and small shapes shared by several resources.
import { z } from 'zod';
import { parseCidr } from './cidr';
import { maintenanceDows } from './service-constants';

export const serviceNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(63, 'must be at most 63 characters')
  .regex(/^[a-z][a-z0-9-]*$/, 'must start with a lowercase letter and contain only lowercase letters, digits and hyphens')
  .refine((s) => !s.endsWith('-'), 'must not end with a hyphen');

/**
 * Role names nobody may create: PostgreSQL's own (it refuses `public` and
 * `none`, and the others name something else in SQL), and the one the local
 * engine keeps for PgBouncer's admin console. `pg_*` is PostgreSQL's too.
 */
export const reservedUsernames: ReadonlyMap<string, string> = new Map([
  ...['public', 'none', 'current_user', 'current_role', 'session_user', 'postgres'].map((n) => [n, 'PostgreSQL'] as const),
  ['pgdeck_admin', 'pgdeck'],
  // the role standbys stream and rewind with (peer authentication over the service's own socket only)
  ['pgdeck_replication', 'pgdeck'],
]);

/** Why `name` cannot be a role name, or null when it can. */
export function reservedUsername(name: string): string | null {
  // pgdeck_replica_<id>: the role each read replica streams from its source with
  const owner = name.startsWith('pg_') ? 'PostgreSQL' : name.startsWith('pgdeck_replica_') ? 'pgdeck' : reservedUsernames.get(name);
  return owner ? `"${name}" is reserved by ${owner}` : null;
}

// PostgreSQL truncates identifiers at 63 bytes, so nothing longer is accepted.
export const usernameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(63, 'must be at most 63 characters')
  .regex(/^[_A-Za-z0-9][-._A-Za-z0-9]*$/, 'must start with a letter, digit or underscore and contain only letters, digits, "_", "-" and "."')
  .superRefine((name, ctx) => {
    const reason = reservedUsername(name);
    if (reason) ctx.addIssue({ code: 'custom', message: reason });
  });

export const databaseNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(40, 'must be at most 40 characters')
  .regex(/^[_A-Za-z0-9][-_A-Za-z0-9]*$/, 'must start with a letter, digit or underscore and contain only letters, digits, "_" and "-"');

export const passwordSchema = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(256, 'must be at most 256 characters')
  .regex(/^[a-zA-Z0-9-_]+$/, 'must contain only letters, digits, "-" and "_"');

export const cidrSchema = z.string().superRefine((value, ctx) => {
  const parsed = parseCidr(value);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `invalid CIDR "${value}": ${parsed.reason}` });
});

export const ipFilterSchema = z.array(cidrSchema).max(256, 'at most 256 entries');

export const maintenanceSchema = z.strictObject({
  dow: z.enum(maintenanceDows),
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/, 'must be a time of day as HH:MM:SS (UTC)'),
});
export type Maintenance = z.infer<typeof maintenanceSchema>;

/** An update the service waits to apply in its window (or now, when asked to): times are RFC 3339. */
export const maintenanceUpdateSchema = z.object({
  description: z.string().optional(),
  /** Applied in the first window after this, at the latest. */
  deadline: z.string().optional(),
  'start-after': z.string().optional(),
  'start-at': z.string().optional(),
});
export type MaintenanceUpdate = z.infer<typeof maintenanceUpdateSchema>;

export const backupScheduleSchema = z.strictObject({
  'backup-hour': z.number().int().min(0).max(23).nullable().optional(),
  'backup-minute': z.number().int().min(0).max(59).nullable().optional(),
});
export type BackupSchedule = z.infer<typeof backupScheduleSchema>;
