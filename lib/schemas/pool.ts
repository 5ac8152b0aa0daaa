// Connection pools (PgBouncer) of a PostgreSQL service: request bodies and the
// shape a service lists them in.
import { z } from 'zod';
import { databaseNameSchema } from './common';

export const poolModes = ['transaction', 'session', 'statement'] as const;
export type PoolMode = (typeof poolModes)[number];

/** The public bounds: dbaas-pg-pool-name, -size, -username. */
export const poolNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(63, 'must be at most 63 characters')
  .regex(/^[_A-Za-z0-9][-_A-Za-z0-9]*$/, 'must start with a letter, digit or underscore and contain only letters, digits, "_" and "-"');
export const poolSizeSchema = z.number().int('must be a whole number').min(1, 'must be at least 1').max(10000, 'must be at most 10000');
export const poolUsernameSchema = z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters');

export const DEFAULT_POOL_MODE: PoolMode = 'transaction';
export const DEFAULT_POOL_SIZE = 10;

export const createPoolSchema = z.strictObject({
  name: poolNameSchema,
  'database-name': databaseNameSchema,
  mode: z.enum(poolModes).optional(),
  size: poolSizeSchema.optional(),
  username: poolUsernameSchema.optional(),
});
export type CreatePool = z.infer<typeof createPoolSchema>;

export const updatePoolSchema = z.strictObject({
  'database-name': databaseNameSchema.optional(),
  mode: z.enum(poolModes).optional(),
  size: poolSizeSchema.optional(),
  username: poolUsernameSchema.optional(),
});
export type UpdatePool = z.infer<typeof updatePoolSchema>;

export const connectionPoolSchema = z.object({
  name: z.string(),
  database: z.string(),
  mode: z.enum(poolModes),
  size: z.number(),
  username: z.string().optional(),
  'connection-uri': z.string(),
});
export type ConnectionPool = z.infer<typeof connectionPoolSchema>;
