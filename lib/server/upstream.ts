// Signed calls to the signed-in user's upstream, with their own key. Only the
// API's own answers get through: JSON objects, and errors as {"message": ...}.
// Anything else (no answer, a timeout, a redirect, HTML, another JSON shape)
// is the one neutral error, and nothing of it reaches the browser.
import 'server-only';
import { z } from 'zod';
import { apiRequest, type ApiResponse, type Credentials } from '@/lib/api-v2/client';
import { ApiError, endpointUnusable, fromUpstream } from '@/lib/api-v2/errors';
import { serviceListSchema } from '@/lib/schemas/service';

const TIMEOUT_MS = 30_000;

const apiErrorAnswerSchema = z.looseObject({ message: z.string().max(2000) });

declare const verified: unique symbol;
/** Credentials an upstream has accepted, on an upstream that answered as the API: see verifyUpstream. */
export type VerifiedCredentials = Credentials & { readonly [verified]: true };

/** One signed request; the answer only if it is the API's. */
export async function exchange(creds: Credentials, method: string, path: string, body?: unknown): Promise<ApiResponse<object>> {
  let res: ApiResponse;
  try {
    res = await apiRequest(creds, method, path, body, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    refuse(creds, `${method} ${path}: ${(err as Error).name}`);
  }
  const isObject = typeof res.body === 'object' && res.body !== null && !Array.isArray(res.body);
  const apiStatus = (res.status >= 200 && res.status < 300) || (res.status >= 400 && res.status < 600);
  if (!res.json || !isObject || !apiStatus) refuse(creds, `${method} ${path}: HTTP ${res.status}, not an API answer`);
  if (res.status >= 400 && !apiErrorAnswerSchema.safeParse(res.body).success) refuse(creds, `${method} ${path}: HTTP ${res.status}, not an API error`);
  return res as ApiResponse<object>;
}

function refuse(creds: Credentials, why: string): never {
  // for the operator; the visitor gets the neutral error only
  console.warn(`upstream ${new URL(creds.baseUrl).host} refused: ${why}`);
  throw endpointUnusable();
}

/** A signed call to one user's upstream, bound to their key (route handlers and server-rendered pages get one). */
export type Upstream = <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;

/** Takes only the key, its secret and the base from what it is given (a session holds more). */
export function upstreamFor({ baseUrl, key, secret }: Credentials): Upstream {
  return (method, path, body) => callUpstream({ baseUrl, key, secret }, method, path, body);
}

/** Calls the upstream; an error answer becomes the one error type with the upstream's message. */
export async function callUpstream<T>(creds: Credentials, method: string, path: string, body?: unknown): Promise<T> {
  const res = await exchange(creds, method, path, body);
  if (res.status >= 400) throw fromUpstream(res.status, res.body);
  return res.body as T;
}

/**
 * Sign-in's first call, before anything else reaches the upstream: a signed
 * GET /dbaas-service, answered with the API's service list (the key is good)
 * or the API's error (the key is refused).
 */
export async function verifyUpstream(creds: Credentials): Promise<VerifiedCredentials> {
  const res = await exchange(creds, 'GET', '/dbaas-service');
  if (res.status >= 400) {
    const err = fromUpstream(res.status, res.body);
    if (err.reason === 'forbidden') throw new ApiError('forbidden', `the endpoint refused this key: ${err.message}`, 'secret');
    throw err;
  }
  if (res.status !== 200 || !serviceListSchema.safeParse(res.body).success) refuse(creds, 'GET /dbaas-service: not a service list');
  return creds as VerifiedCredentials;
}
