// Where an API v2 upstream can be: the local engine, a public cloud zone, or a
// custom URL the console's operator allowed. Client-safe (no secrets): the
// sign-in form uses it too.
import { z } from 'zod';

export const cloudZones = ['at-vie-1', 'at-vie-2', 'bg-sof-1', 'ch-dk-2', 'ch-gva-2', 'de-fra-1', 'de-muc-1', 'hr-zag-1'] as const;

export const zoneUrl = (zone: string): string => `https://api-${zone}.exoscale.com/v2`;

/**
 * The one form of an API base URL, for comparing a custom endpoint with the
 * allowed ones: http(s), lowercase scheme and host, no default port, a path
 * ending in /v2 without a trailing slash. Null for anything else, and for a
 * URL with a user, a query or a fragment (even an empty `?` or `#`), which
 * would make the URL mean something other than it reads.
 */
export function normalizeApiBase(raw: string): string | null {
  const text = raw.trim();
  if (!text || text.length > 2048 || /[?#@\\\s]/.test(text)) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || url.search || url.hash || !url.hostname) return null;
  const path = url.pathname.replace(/\/$/, '');
  // plain segments only: a percent-encoded one would compare unlike what is fetched
  if (!/^(\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*\/v2$/.test(path)) return null;
  return `${url.protocol}//${url.host}${path}`;
}

export const endpointChoiceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('local') }),
  z.strictObject({ kind: z.literal('zone'), zone: z.enum(cloudZones) }),
  z.strictObject({
    kind: z.literal('custom'),
    // Checked on the server against the allowed bases only, so that every refusal reads the same.
    url: z.string().trim().min(1, 'choose an endpoint').max(2048),
  }),
]);
export type EndpointChoice = z.infer<typeof endpointChoiceSchema>;
