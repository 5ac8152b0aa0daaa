// Request and response shapes of /v2/dbaas-postgres/{service-name}/user.
import { z } from 'zod';
import { passwordSchema, usernameSchema } from './common';

export const createUserSchema = z.strictObject({
  username: usernameSchema,
  'allow-replication': z.boolean().optional(),
});
export type CreateUser = z.infer<typeof createUserSchema>;

export const resetPasswordSchema = z.strictObject({ password: passwordSchema.optional() });

export const allowReplicationSchema = z.strictObject({ 'allow-replication': z.boolean() });
