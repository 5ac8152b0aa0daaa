// The operation every mutation answers with (GET /v2/operation/{id}).
import { z } from 'zod';

export const operationStates = ['failure', 'pending', 'success', 'timeout'] as const;
export const operationReasons = [
  'busy', 'conflict', 'fault', 'forbidden', 'incorrect', 'interrupted',
  'not-found', 'partial', 'unavailable', 'unknown', 'unsupported',
] as const;

export const operationSchema = z.object({
  id: z.string(),
  state: z.enum(operationStates),
  reason: z.enum(operationReasons).optional(),
  message: z.string().optional(),
  reference: z.object({ id: z.string().optional(), link: z.string().optional(), command: z.string().optional() }).optional(),
});
export type Operation = z.infer<typeof operationSchema>;
