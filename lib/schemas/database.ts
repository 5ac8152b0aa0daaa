// Request shapes of /v2/dbaas-postgres/{service-name}/database.
import { z } from 'zod';
import { databaseNameSchema } from './common';

const localeSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9_.@-]+$/, 'must be a locale name such as en_US.UTF-8');

export const createDatabaseSchema = z.strictObject({
  'database-name': databaseNameSchema,
  'lc-collate': localeSchema.optional(),
  'lc-ctype': localeSchema.optional(),
});
export type CreateDatabase = z.infer<typeof createDatabaseSchema>;
