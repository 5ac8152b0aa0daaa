// Sign-in: an API key and secret and where to use them. Shared by the form and the route handler.
import { z } from 'zod';
import { endpointChoiceSchema } from '../api-v2/endpoints';

export const signInSchema = z.strictObject({
  key: z.string().trim().min(1, 'enter your API key').max(128).regex(/^[A-Za-z0-9_-]+$/, 'an API key has only letters, digits, "-" and "_"'),
  secret: z.string().min(1, 'enter your API secret').max(256),
  endpoint: endpointChoiceSchema,
});
export type SignIn = z.infer<typeof signInSchema>;

export const rights = ['write', 'delete-service', 'termination-protection', 'reveal'] as const;
export type Right = (typeof rights)[number];

/** What the browser may know of a session: never the secret. */
export const sessionInfoSchema = z.object({
  key: z.string(),
  endpoint: z.string(),
  rights: z.array(z.enum(rights)),
  /** What the upstream offers beside the public contract (GET /v2/pgdeck), for the views built on it. */
  extensions: z.array(z.string()).optional(),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;
