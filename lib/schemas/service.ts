// Request and response shapes of /v2/dbaas-postgres/{name} and /v2/dbaas-service.
import { z } from 'zod';
import { backupScheduleSchema, ipFilterSchema, maintenanceSchema, maintenanceUpdateSchema, passwordSchema, serviceNameSchema, usernameSchema } from './common';
import { createIntegrationsSchema, integrationSchema } from './integration';
import { migrationSchema } from './migration';
import { connectionPoolSchema } from './pool';
import { settingValueSchema } from './setting-check';
import { memorySettings, settingsValuesSchema } from './settings';
import { pgVersions } from './service-constants';

/** Fields of the public API that later engine work brings; refused by name until then. */
export const unsupportedServiceFields = [
  'pgaudit-settings',
  // no TimescaleDB binaries are installed
  'timescaledb-settings',
] as const;

const sharedBuffersPercentageSchema = settingValueSchema<number>(memorySettings['shared-buffers-percentage']);
const workMemSchema = settingValueSchema<number>(memorySettings['work-mem']);

/** On update, `null` puts a setting back to its default. */
function settingsFields(update = false) {
  return {
    'pg-settings': settingsValuesSchema.optional(),
    'pgbouncer-settings': settingsValuesSchema.optional(),
    'pglookout-settings': settingsValuesSchema.optional(),
    'shared-buffers-percentage': update ? sharedBuffersPercentageSchema.nullable().optional() : sharedBuffersPercentageSchema.optional(),
    'work-mem': update ? workMemSchema.nullable().optional() : workMemSchema.optional(),
  };
}

export const syncReplicationSchema = z.enum(['off', 'quorum']);

export const createServiceSchema = z.strictObject({
  plan: z.string().min(1, 'must not be empty').max(128),
  version: z.enum(pgVersions).optional(),
  'admin-username': usernameSchema.optional(),
  'admin-password': passwordSchema.optional(),
  'ip-filter': ipFilterSchema.optional(),
  'termination-protection': z.boolean().optional(),
  maintenance: maintenanceSchema.optional(),
  'backup-schedule': backupScheduleSchema.optional(),
  ...settingsFields(),
  variant: z.enum(['aiven', 'timescale']).optional(),
  /** A fork: a new service restored from this service's backups. */
  'fork-from-service': serviceNameSchema.optional(),
  /** With fork-from-service: the second to restore to (RFC 3339); without it, the newest state archived. */
  'recovery-backup-time': z.iso.datetime({ offset: true, message: 'must be a date and time such as 2026-12-02T14:02:59Z' }).optional(),
  /** Data migrated in from another PostgreSQL server once the service runs. */
  migration: migrationSchema.optional(),
  /** quorum: each commit waits until one standby has flushed it (plans of 3 nodes or more); off: asynchronous. */
  'synchronous-replication': syncReplicationSchema.optional(),
  /** `[{type: 'read_replica', 'source-service': X}]`: the new service is a read replica of X. */
  integrations: createIntegrationsSchema.optional(),
}).superRefine((body, ctx) => {
  if (body.integrations?.length) {
    for (const field of ['fork-from-service', 'migration', 'admin-username', 'admin-password'] as const) {
      if (body[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'a read replica takes its data, users and passwords from its source service' });
    }
  }
  if (body['recovery-backup-time'] !== undefined && body['fork-from-service'] === undefined) {
    ctx.addIssue({ code: 'custom', path: ['recovery-backup-time'], message: 'needs fork-from-service: the service whose backups to restore' });
  }
  if (body.migration !== undefined && body['fork-from-service'] !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['migration'], message: 'a fork starts from its source service\'s data: migrate into it once it runs' });
  }
});
export type CreateService = z.infer<typeof createServiceSchema>;

export const updateServiceSchema = z.strictObject({
  plan: z.string().min(1, 'must not be empty').max(128).optional(),
  version: z.string().optional(),
  'ip-filter': ipFilterSchema.optional(),
  'termination-protection': z.boolean().optional(),
  maintenance: maintenanceSchema.optional(),
  'backup-schedule': backupScheduleSchema.optional(),
  ...settingsFields(true),
  /** Starts a migration from another PostgreSQL server (alone in its request). */
  migration: migrationSchema.optional(),
  'synchronous-replication': syncReplicationSchema.optional(),
});
export type UpdateService = z.infer<typeof updateServiceSchema>;

export const serviceStates = ['poweroff', 'rebalancing', 'rebuilding', 'running'] as const;

export const notificationSchema = z.object({
  level: z.enum(['notice', 'warning']),
  message: z.string(),
  type: z.string(),
  metadata: z.record(z.string(), z.unknown()),
});
export type Notification = z.infer<typeof notificationSchema>;

export const componentSchema = z.object({
  component: z.string(),
  host: z.string(),
  port: z.number(),
  route: z.enum(['dynamic', 'private', 'privatelink', 'public']),
  usage: z.enum(['primary', 'replica']),
});

export const serviceUserSchema = z.object({
  type: z.string(),
  username: z.string(),
  password: z.string().optional(),
  'allow-replication': z.boolean().optional(),
});

export const progressUpdateSchema = z.object({
  phase: z.enum(['basebackup', 'finalize', 'prepare', 'stream']),
  completed: z.boolean(),
  current: z.number().nullable().optional(),
  min: z.number().nullable().optional(),
  max: z.number().nullable().optional(),
  unit: z.string().nullable().optional(),
});

export const nodeStateSchema = z.object({
  name: z.string(),
  state: z.enum(['leaving', 'running', 'setting_up_vm', 'syncing_data', 'unknown']),
  role: z.enum(['master', 'read-replica', 'standby']).optional(),
  'progress-updates': z.array(progressUpdateSchema).optional(),
  /** pgdeck's extensions, on standbys and read replicas (absent on the master and on other upstreams). */
  'pgdeck-port': z.number().optional(),
  /** Bytes of WAL the master has written that this node has not replayed yet. */
  'pgdeck-lag-bytes': z.number().optional(),
  /** Seconds since the last transaction this node replayed was committed on the master (0 when caught up). */
  'pgdeck-lag-seconds': z.number().optional(),
  /** As pg_stat_replication.sync_state says: async, quorum (a member of ANY n), potential, sync. */
  'pgdeck-sync-state': z.string().optional(),
});
export type NodeStateView = z.infer<typeof nodeStateSchema>;

/** pgdeck's extension: one automatic failover, as the engine recorded it. */
export const failoverSchema = z.object({
  at: z.string(),
  from: z.string(),
  to: z.string().nullable(),
  /** unreachable (no answer to a new connection), not-running (its postmaster could not be started). */
  reason: z.string(),
  'window-seconds': z.number(),
  /** From the moment the window ended to the new master accepting writes. */
  'total-ms': z.number().nullable(),
  'phases-ms': z.record(z.string(), z.number()),
  rebuild: z.enum(['rewind', 'copy']).nullable(),
  state: z.string(),
  message: z.string().nullable(),
});
export type FailoverView = z.infer<typeof failoverSchema>;

export const serviceCommonSchema = z.object({
  name: z.string(),
  type: z.string(),
  plan: z.string(),
  /** Not in the public list shape; the engine adds it so a list can show it without a call per service. */
  version: z.string().optional(),
  state: z.enum(serviceStates).optional(),
  zone: z.string().optional(),
  'node-count': z.number().optional(),
  'node-cpu-count': z.number().optional(),
  'node-memory': z.number().optional(),
  'disk-size': z.number().optional(),
  'termination-protection': z.boolean().optional(),
  notifications: z.array(notificationSchema).optional(),
  'created-at': z.string().optional(),
  'updated-at': z.string().optional(),
});
export type ServiceCommon = z.infer<typeof serviceCommonSchema>;

/** A kept base backup, as the public schema lists it. */
export const serviceBackupSchema = z.object({
  'backup-name': z.string(),
  'backup-time': z.string(),
  /** Bytes of the data directory it holds (uncompressed). */
  'data-size': z.number(),
});
export type ServiceBackup = z.infer<typeof serviceBackupSchema>;

export const recoveryWindowSchema = z.object({ earliest: z.string(), latest: z.string() });
export type RecoveryWindow = z.infer<typeof recoveryWindowSchema>;

export const servicePgSchema = serviceCommonSchema.extend({
  uri: z.string().optional(),
  'uri-params': z.record(z.string(), z.string()).optional(),
  'connection-info': z
    .object({
      uri: z.array(z.string()).optional(),
      params: z.array(z.record(z.string(), z.string())).optional(),
      /** Read-only URIs, one per running standby. */
      standby: z.array(z.string()).optional(),
      /** Standbys still copying or catching up. */
      syncing: z.array(z.string()).optional(),
    })
    .optional(),
  components: z.array(componentSchema).optional(),
  'node-states': z.array(nodeStateSchema).optional(),
  databases: z.array(z.string()).optional(),
  users: z.array(serviceUserSchema).optional(),
  'ip-filter': z.array(z.string()).optional(),
  maintenance: z.object({ dow: z.string(), time: z.string(), updates: z.array(maintenanceUpdateSchema) }).optional(),
  'backup-schedule': z.object({ 'backup-hour': z.number().optional(), 'backup-minute': z.number().optional() }).optional(),
  'max-connections': z.number().optional(),
  'prometheus-uri': z.record(z.string(), z.unknown()).optional(),
  'connection-pools': z.array(connectionPoolSchema).optional(),
  'pg-settings': settingsValuesSchema.optional(),
  'pgbouncer-settings': settingsValuesSchema.optional(),
  'pglookout-settings': settingsValuesSchema.optional(),
  'shared-buffers-percentage': z.number().optional(),
  'work-mem': z.number().optional(),
  backups: z.array(serviceBackupSchema).optional(),
  /** pgdeck's extension: the span a fork can be restored to, to the second. Other upstreams leave it out. */
  'pgdeck-recovery-window': recoveryWindowSchema.optional(),
  'synchronous-replication': syncReplicationSchema.optional(),
  integrations: z.array(integrationSchema).optional(),
  /** pgdeck's extension: the last automatic failovers, newest first. */
  'pgdeck-failovers': z.array(failoverSchema).optional(),
});
export type ServicePg = z.infer<typeof servicePgSchema>;

/** GET /v2/dbaas-service: what a sign-in checks an upstream's first answer against. */
export const serviceListSchema = z.looseObject({ 'dbaas-services': z.array(z.looseObject({ name: z.string() })) });
export type ServiceList = z.infer<typeof serviceListSchema>;
