// Where an API v2 upstream can be: the local engine, a public cloud zone, or a
// custom URL. Client-safe (no secrets): the sign-in form uses it too.
import { z } from 'zod';

export const cloudZones = ['at-vie-1', 'at-vie-2', 'bg-sof-1', 'ch-dk-2', 'ch-gva-2', 'de-fra-1', 'de-muc-1', 'hr-zag-1'] as const;

export const zoneUrl = (zone: string): string => `https://api-${zone}.exoscale.com/v2`;

export const endpointChoiceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('local') }),
  z.strictObject({ kind: z.literal('zone'), zone: z.enum(cloudZones) }),
  z.strictObject({
    kind: z.literal('custom'),
    url: z
      .string()
      .trim()
      .url('must be a URL such as https://api.example.com/v2')
      .refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://')
      .refine((u) => /\/v2\/?$/.test(u), 'must end with /v2'),
  }),
]);
export type EndpointChoice = z.infer<typeof endpointChoiceSchema>;
