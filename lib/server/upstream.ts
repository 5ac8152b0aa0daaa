// Signed calls to the signed-in user's upstream, with their own key.
import 'server-only';
import { apiRequest, type Credentials } from '@/lib/api-v2/client';
import { ApiError, fromUpstream } from '@/lib/api-v2/errors';
import { cloudZones, zoneUrl, type EndpointChoice } from '@/lib/api-v2/endpoints';

/** The local engine's URL, unless the console was started against another upstream. */
export const localEngineUrl = (): string => (process.env.PGDECK_ENGINE_URL ?? 'http://127.0.0.1:8079/v2').replace(/\/$/, '');

export function resolveEndpoint(choice: EndpointChoice): { baseUrl: string; label: string } {
  if (choice.kind === 'local') return { baseUrl: localEngineUrl(), label: 'Local engine' };
  if (choice.kind === 'zone' && cloudZones.includes(choice.zone)) return { baseUrl: zoneUrl(choice.zone), label: choice.zone };
  if (choice.kind === 'custom') {
    if (process.env.PGDECK_CUSTOM_ENDPOINTS === 'off') {
      throw new ApiError('forbidden', 'endpoint: custom endpoints are turned off on this console', 'endpoint');
    }
    return { baseUrl: choice.url.replace(/\/$/, ''), label: new URL(choice.url).host };
  }
  throw new ApiError('incorrect', 'endpoint: unknown endpoint', 'endpoint');
}

/** Calls the upstream; an error answer becomes the one error type with the upstream's message. */
export async function callUpstream<T>(creds: Credentials, method: string, path: string, body?: unknown): Promise<T> {
  let res;
  try {
    res = await apiRequest<T>(creds, method, path, body, { signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    const why = (err as Error).name === 'TimeoutError' ? 'did not answer within 30 s' : 'could not be reached';
    throw new ApiError('unavailable', `the API endpoint ${new URL(creds.baseUrl).host} ${why}`);
  }
  if (res.status >= 400) throw fromUpstream(res.status, res.body);
  return res.body;
}
