// What the upstream offers beside the public contract (GET /v2/pgdeck on a pgdeck engine; the public zones answer
// 404): asked once a minute per upstream, so pages offer those views only where they work.
import 'server-only';
import { ApiError } from '@/lib/api-v2/errors';
import type { Upstream } from './upstream';

const TTL_MS = 60_000;
const known = new Map<string, { at: number; extensions: string[] }>();

export async function upstreamExtensions(upstream: Upstream, baseUrl: string): Promise<string[]> {
  const hit = known.get(baseUrl);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.extensions;
  let extensions: string[] = [];
  try {
    const body = await upstream<{ extensions?: unknown }>('GET', '/pgdeck');
    extensions = Array.isArray(body.extensions) ? body.extensions.filter((e): e is string => typeof e === 'string') : [];
  } catch (err) {
    // none there (404), or not now: the views stay absent and it is asked again later
    if (!(err instanceof ApiError)) throw err;
    if (err.status !== 404) return [];
  }
  known.set(baseUrl, { at: Date.now(), extensions });
  return extensions;
}
