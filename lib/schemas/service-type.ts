// GET /v2/dbaas-service-type/{name}: the versions and plans a service type
// offers. The engine answers with this shape; the console reads any
// upstream's answer through it.
import { z } from 'zod';

export const backupConfigSchema = z.object({
  interval: z.number().int().optional(),
  'max-count': z.number().int().optional(),
  'recovery-mode': z.string().optional(),
  'frequent-interval-minutes': z.number().int().optional(),
  'frequent-oldest-age-minutes': z.number().int().optional(),
  'infrequent-interval-minutes': z.number().int().optional(),
  'infrequent-oldest-age-minutes': z.number().int().optional(),
});

export const planSchema = z.object({
  name: z.string(),
  'node-count': z.number().int(),
  'node-cpu-count': z.number().int(),
  /** Bytes. */
  'node-memory': z.number().int(),
  /** Bytes. */
  'disk-space': z.number().int(),
  'max-memory-percent': z.number().int().optional(),
  /** false: listed, but this key may not create it. */
  authorized: z.boolean().optional(),
  zones: z.array(z.string()).optional(),
  family: z.string().optional(),
  'backup-config': backupConfigSchema.optional(),
});
export type Plan = z.infer<typeof planSchema>;

export const serviceTypeSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  'available-versions': z.array(z.string()),
  'default-version': z.string(),
  plans: z.array(planSchema),
});
export type ServiceType = z.infer<typeof serviceTypeSchema>;
