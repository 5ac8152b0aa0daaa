// Request and response shapes of /v2/dbaas-integration* and of a service's
// `integrations`: read replicas, the one integration type this engine runs.
import { z } from 'zod';
import { serviceNameSchema } from './common';

export const READ_REPLICA = 'read_replica';

/** A read replica has no settings: `{}` only. */
const noSettingsSchema = z.strictObject({});

/** An item of `integrations` when a service is created: this service becomes a read replica of `source-service`. */
export const createIntegrationItemSchema = z.strictObject({
  type: z.literal(READ_REPLICA, { message: 'must be read_replica, the integration this engine runs' }),
  'source-service': serviceNameSchema,
  /** When given: the service being created. */
  'dest-service': serviceNameSchema.optional(),
  settings: noSettingsSchema.optional(),
});

export const createIntegrationsSchema = z.array(createIntegrationItemSchema).max(1, 'a service can be the read replica of one service');

/** POST /v2/dbaas-integration: an existing, empty service becomes a read replica. */
export const postIntegrationSchema = z.strictObject({
  'integration-type': z.string().min(1, 'must not be empty'),
  'source-service': serviceNameSchema,
  'dest-service': serviceNameSchema,
  settings: noSettingsSchema.optional(),
});
export type PostIntegration = z.infer<typeof postIntegrationSchema>;

/** PUT /v2/dbaas-integration/{id}. */
export const putIntegrationSchema = z.strictObject({ settings: noSettingsSchema });

export const integrationSchema = z.object({
  id: z.string(),
  type: z.string(),
  source: z.string(),
  dest: z.string(),
  description: z.string().optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  'is-enabled': z.boolean().optional(),
  'is-active': z.boolean().optional(),
  status: z.string().optional(),
});
export type Integration = z.infer<typeof integrationSchema>;

/** What GET /v2/dbaas-integration-types answers for read replicas, and /dbaas-integration-settings/read_replica/pg/pg. */
export const readReplicaSettingsSchema = { type: 'object', title: 'Read replica', properties: {}, additionalProperties: false } as const;

export const readReplicaType = {
  type: READ_REPLICA,
  'source-service-types': ['pg'],
  'dest-service-types': ['pg'],
  'source-description': 'The service whose data the replica follows: it keeps serving reads and writes',
  'dest-description': 'A service of its own that streams from the source and serves reads only, until it is promoted to a standalone service',
  settings: readReplicaSettingsSchema,
};
