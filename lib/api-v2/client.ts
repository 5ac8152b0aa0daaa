// A small signed HTTP client for API v2: used by the console's route
// handlers, the tests and the benchmarks. Server-side only (holds a secret).
import { readCapped } from './read-capped';
import { DEFAULT_TTL_SECONDS, signRequest } from './signer';

export interface Credentials {
  /** Base URL ending in /v2, e.g. http://127.0.0.1:8079/v2 */
  baseUrl: string;
  key: string;
  secret: string;
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  /** The answer was JSON (by its content type, and it parsed); otherwise `body` is the text. */
  json: boolean;
}

/** The largest answer read from an upstream; a bigger one is cut off with SizeLimitError. */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

export async function apiRequest<T = unknown>(
  creds: Credentials,
  method: string,
  path: string,
  body?: unknown,
  init: { query?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<ApiResponse<T>> {
  const url = new URL(creds.baseUrl.replace(/\/$/, '') + path);
  for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
  const text = body === undefined ? '' : JSON.stringify(body);
  const expires = Math.floor(Date.now() / 1000) + DEFAULT_TTL_SECONDS;
  const authorization = signRequest(creds.key, creds.secret, { method, path: url.pathname, body: text, query: init.query, expires });
  const res = await fetch(url, {
    method,
    headers: { authorization, ...(text ? { 'content-type': 'application/json' } : {}) },
    body: text || undefined,
    signal: init.signal,
    // The API never redirects; a 3xx is answered as it is, for the caller to refuse.
    redirect: 'manual',
  });
  const raw = new TextDecoder().decode(await readCapped(res.body, MAX_ANSWER_BYTES));
  const isJsonType = /^application\/([\w.+-]+\+)?json\b/i.test(res.headers.get('content-type') ?? '');
  let parsed: unknown = raw;
  let json = false;
  try {
    parsed = raw ? JSON.parse(raw) : {};
    json = isJsonType;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T, json };
}
