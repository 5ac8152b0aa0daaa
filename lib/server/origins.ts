// The origins the console is served at, and the checks every request passes:
// its Host (or, behind a trusted proxy, X-Forwarded-Host) must be one of them,
// and a mutation's Origin must be exactly that origin (scheme, host and port).
// No secrets here; proxy.ts uses it too.
import { ApiError } from '@/lib/api-v2/errors';

type Env = Record<string, string | undefined>;

export interface OriginPolicy {
  /** Normalized origins, e.g. http://127.0.0.1:3000 */
  origins: string[];
  /** PGDECK_TRUST_PROXY=true: X-Forwarded-Host and X-Forwarded-Proto say what the browser addressed. */
  trustProxy: boolean;
}

/** scheme://host[:port] in URL's own normal form, or null for anything with a user, path, query or fragment. */
export function normalizeOrigin(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/' || /[?#]$/.test(raw.trim())) return null;
  return url.origin;
}

/** PGDECK_ORIGINS, or http://HOST:PORT and http://localhost:PORT from where the console listens. */
export function originPolicy(env: Env = process.env): OriginPolicy {
  const listed = (env.PGDECK_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const origins = listed.map((entry) => {
    const origin = normalizeOrigin(entry);
    if (!origin) throw new Error(`PGDECK_ORIGINS: "${entry}" is not an origin such as https://pgdeck.example.com`);
    return origin;
  });
  if (!origins.length) {
    const port = env.PORT || '3000';
    const host = env.HOST || '127.0.0.1';
    // listening on every interface says nothing about the names browsers use: loopback only, unless configured
    const hosts = host === '0.0.0.0' || host === '::' ? ['127.0.0.1', '[::1]'] : [host.includes(':') && !host.startsWith('[') ? `[${host}]` : host];
    for (const h of [...hosts, 'localhost']) {
      const origin = normalizeOrigin(`http://${h}:${port}`);
      if (origin) origins.push(origin);
    }
  }
  return { origins: [...new Set(origins)], trustProxy: env.PGDECK_TRUST_PROXY === 'true' };
}

const firstValue = (v: string | null): string | null => v?.split(',')[0]?.trim() || null;

/** The configured origins a request was addressed to: none when its Host is not the console's. */
export function addressedOrigins(headers: Headers, policy: OriginPolicy): string[] {
  const forwarded = policy.trustProxy ? firstValue(headers.get('x-forwarded-host')) : null;
  const host = forwarded ?? headers.get('host');
  if (!host || !/^[A-Za-z0-9.:[\]-]+$/.test(host)) return [];
  const proto = policy.trustProxy ? firstValue(headers.get('x-forwarded-proto'))?.toLowerCase() : undefined;
  return policy.origins.filter((origin) => {
    const ours = new URL(origin);
    if (proto && `${proto}:` !== ours.protocol) return false;
    try {
      return new URL(`${ours.protocol}//${host}`).host === ours.host;
    } catch {
      return false;
    }
  });
}

/** Refuses a request whose Host is not one of the console's origins (DNS rebinding, stray virtual hosts). */
export function checkHost(req: { headers: Headers }, policy: OriginPolicy = originPolicy()): string[] {
  const ours = addressedOrigins(req.headers, policy);
  if (!ours.length) throw new ApiError('forbidden', 'request refused: its Host is not one of the origins this console is served at');
  return ours;
}

/** Browsers send Origin on cross-site requests and on same-origin mutations; it must be the very origin addressed. */
export function checkSameOrigin(req: { headers: Headers }, policy: OriginPolicy = originPolicy()): void {
  const ours = checkHost(req, policy);
  const origin = req.headers.get('origin');
  const site = req.headers.get('sec-fetch-site');
  if (origin) {
    const normal = normalizeOrigin(origin);
    if (!normal || !ours.includes(normal)) throw new ApiError('forbidden', 'cross-site request refused');
  } else if (site && site !== 'same-origin') {
    throw new ApiError('forbidden', 'cross-site request refused');
  } else if (!site) {
    throw new ApiError('forbidden', 'request without Origin refused: mutations come from the console itself');
  }
}
