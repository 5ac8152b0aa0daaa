// Verifies the EXO2-HMAC-SHA256 signature of a request and what its key's
// role may do. Every refusal is a 403 with a message, as the public API does.
import { ApiError } from '@/lib/api-v2/errors';
import { parseAuthorization, signatureMatches, signatureMessage } from '@/lib/api-v2/signer';
import type { ApiKey, Role } from '../store/keys';
import type { KeyStore } from '../store/keys';

/** Public clients sign for 10 minutes; anything beyond an hour (plus clock skew) is refused. */
export const MAX_EXPIRES_AHEAD_SECONDS = 3600 + 60;

export type Permission = 'read' | 'write' | 'reveal' | 'delete-service' | 'termination-protection';

const grants: Record<Role, Permission[]> = {
  admin: ['read', 'write', 'reveal', 'delete-service', 'termination-protection'],
  operator: ['read', 'write', 'reveal'],
  viewer: ['read'],
};

export const can = (role: Role, permission: Permission): boolean => grants[role].includes(permission);

export function requirePermission(key: ApiKey, permission: Permission): void {
  if (!can(key.role, permission)) {
    throw new ApiError('forbidden', `API key ${key.name} has the ${key.role} role, which does not allow ${permission}`);
  }
}

export interface IncomingRequest {
  method: string;
  /** The request target as received: path and query, not decoded. */
  url: string;
  authorization: string | undefined;
  body: string;
}

export function authenticate(keys: KeyStore, req: IncomingRequest, nowSeconds = Math.floor(Date.now() / 1000)): ApiKey {
  const auth = parseAuthorization(req.authorization);
  if (!auth) throw new ApiError('forbidden', 'missing or malformed Authorization header: expected EXO2-HMAC-SHA256 credential=...,expires=...,signature=...');
  if (auth.expires < nowSeconds) throw new ApiError('forbidden', 'request expired: the signature\'s expires lies in the past');
  if (auth.expires > nowSeconds + MAX_EXPIRES_AHEAD_SECONDS) {
    throw new ApiError('forbidden', 'request expires too far in the future: sign with expires at most one hour ahead');
  }
  const key = keys.findActive(auth.credential);
  if (!key) throw new ApiError('forbidden', 'unknown or revoked API key');

  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const search = new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1));
  const query: Record<string, string> = {};
  for (const name of auth.signedQueryArgs) {
    const values = search.getAll(name);
    if (values.length !== 1) throw new ApiError('forbidden', `signed query argument ${name} must appear exactly once`);
    query[name] = values[0] ?? '';
  }
  const message = signatureMessage({ method: req.method, path, body: req.body, query, expires: auth.expires }, auth.signedQueryArgs);
  if (!signatureMatches(key.secret, message, auth.signature)) throw new ApiError('forbidden', 'signature mismatch');
  const { secret: _secret, ...publicKey } = key;
  return publicKey;
}
