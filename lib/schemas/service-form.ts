// The create-service form: its values (what the inputs hold, blanks meaning
// "let the service choose"), their checks built from the shared schemas, and
// the translation to the POST body (createServiceSchema) and back for errors.
// "Start from a backup of …" makes the service a fork of another one; "Migrate
// from an existing server" copies another server's data in once it runs.
// The values as the form opens are in form-defaults.ts, without zod: the form
// loads this module only when it first checks what is typed.
import { z } from 'zod';
import { blankOr } from './blank-or';
import { cidrEntries, parseCidr } from './cidr';
import { cidrListTextSchema } from './cidr-list';
import { passwordSchema, serviceNameSchema, usernameSchema } from './common';
import { checkSourceForm, sourceFieldFor, sourceFormSchema, toMigration, type SourceForm } from './migration-form';
import { checkRecoveryPoint, forkFields, recoveryFieldFor, recoveryPointFields, type RecoveryPoint } from './recovery-point';
import { createServiceSchema, type CreateService, type RecoveryWindow } from './service';
import { maintenanceDows } from './service-constants';

/** What an <input type="time"> holds: HH:MM, or HH:MM:SS when it shows seconds. */
const timeOfDaySchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'must be a time of day as HH:MM (UTC)');

export const serviceFormSchema = z
  .object({
    name: serviceNameSchema,
    plan: z.string().min(1, 'choose a plan'),
    version: createServiceSchema.shape.version.unwrap(),
    adminUsername: blankOr(usernameSchema),
    adminPassword: blankOr(passwordSchema),
    ipFilter: cidrListTextSchema,
    backupTime: blankOr(timeOfDaySchema),
    maintenanceDow: z.enum(['', ...maintenanceDows]),
    maintenanceTime: blankOr(timeOfDaySchema),
    terminationProtection: z.boolean(),
    /** The service to fork, '' for an empty one. */
    forkFrom: z.union([z.literal(''), serviceNameSchema]),
    ...recoveryPointFields,
    /** Migrate another server's data in (not with a fork): from `source`, checked only then. */
    migrate: z.boolean(),
    source: sourceFormSchema,
  })
  .superRefine((v, ctx) => {
    if (v.migrate && !v.forkFrom) checkSourceForm(v.source, ctx, ['source']);
    // The API takes a maintenance window as day and time together; "never" needs no time.
    if (v.maintenanceDow && v.maintenanceDow !== 'never' && !v.maintenanceTime) {
      ctx.addIssue({ code: 'custom', path: ['maintenanceTime'], message: 'choose a time for the maintenance day' });
    }
    if (!v.maintenanceDow && v.maintenanceTime) {
      ctx.addIssue({ code: 'custom', path: ['maintenanceDow'], message: 'choose a day for this time' });
    }
  });
export type ServiceForm = z.infer<typeof serviceFormSchema>;

/** The form's checks once a source is chosen: its recovery point, a typed time against the source's window. */
export const forkFormSchema = (window: RecoveryWindow | undefined) =>
  serviceFormSchema.superRefine((v, ctx) => {
    if (v.forkFrom) checkRecoveryPoint(v, ctx, window);
  });

const canonicalCidr = (text: string) => {
  const r = parseCidr(text);
  return r.ok ? r.cidr : text;
};

const withSeconds = (time: string) => (time.length === 5 ? `${time}:00` : time);

/** The POST body: only what the user set, in the API's own (kebab-case) shape. */
export function toCreateServiceBody(v: ServiceForm): CreateService {
  // a fork runs its source's major and keeps its users and passwords
  const body: CreateService = v.forkFrom ? { plan: v.plan, ...forkFields(v.forkFrom, v) } : { plan: v.plan, version: v.version };
  if (v.adminUsername && !v.forkFrom) body['admin-username'] = v.adminUsername;
  if (v.adminPassword && !v.forkFrom) body['admin-password'] = v.adminPassword;
  const cidrs = cidrEntries(v.ipFilter);
  // canonical blocks, in line order, so an upstream `ip-filter[i]` is the i-th non-blank line
  if (cidrs.length > 0) body['ip-filter'] = cidrs.map((e) => canonicalCidr(e.text));
  if (v.backupTime) {
    const [hour = 0, minute = 0] = v.backupTime.split(':').map(Number);
    body['backup-schedule'] = { 'backup-hour': hour, 'backup-minute': minute };
  }
  if (v.maintenanceDow) body.maintenance = { dow: v.maintenanceDow, time: withSeconds(v.maintenanceTime || '00:00') };
  if (v.terminationProtection) body['termination-protection'] = true;
  if (v.migrate && !v.forkFrom) body.migration = toMigration(v.source);
  return body;
}

type FormField = Exclude<keyof ServiceForm, 'source'> | `source.${keyof SourceForm}`;

/** The form field an API error's `field` (e.g. `ip-filter[2]`, `maintenance.time`) belongs to; `point` says which chose a fork's time. */
export function formFieldFor(apiField: string | undefined, point: RecoveryPoint = 'time'): FormField | undefined {
  if (!apiField) return undefined;
  const [head = '', rest = ''] = apiField.split(/(?=[.[])/);
  switch (head) {
    case 'name':
    case 'plan':
    case 'version':
      return head;
    case 'admin-username':
      return 'adminUsername';
    case 'admin-password':
      return 'adminPassword';
    case 'ip-filter':
      return 'ipFilter';
    case 'backup-schedule':
      return 'backupTime';
    case 'maintenance':
      return rest === '.dow' ? 'maintenanceDow' : 'maintenanceTime';
    case 'termination-protection':
      return 'terminationProtection';
    case 'fork-from-service':
      return 'forkFrom';
    case 'recovery-backup-time':
      return recoveryFieldFor(point);
    case 'migration': {
      const field = sourceFieldFor(apiField);
      return field ? `source.${field}` : 'migrate';
    }
    default:
      return undefined;
  }
}
