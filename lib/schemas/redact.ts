// A service as the browser may hold it: no password anywhere. Passwords are
// fetched one at a time, on demand (the reveal endpoint), never by the
// service query that refreshes in the background.
import type { ServicePg } from './service';

/**
 * The URI with its userinfo password removed (postgres://user:pw@host → postgres://user@host). Up to the last
 * `@`: a password typed with a raw `@` or `/` in it is removed whole, never cut in two.
 */
export const withoutUriPassword = (uri: string): string => uri.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*):.*@/is, '$1@');

export function withoutPasswords(service: ServicePg): ServicePg {
  const { password: _password, ...params } = service['uri-params'] ?? {};
  const info = service['connection-info'];
  return {
    ...service,
    ...(service.uri ? { uri: withoutUriPassword(service.uri) } : {}),
    ...(service['uri-params'] ? { 'uri-params': params } : {}),
    ...(info
      ? {
          'connection-info': {
            ...info,
            uri: info.uri?.map(withoutUriPassword),
            // the read-only URIs of the standbys carry the admin's password too
            standby: info.standby?.map(withoutUriPassword),
            syncing: info.syncing?.map(withoutUriPassword),
            params: info.params?.map(({ password: _p, ...rest }) => rest),
          },
        }
      : {}),
    users: service.users?.map(({ password: _p, ...user }) => user),
    ...(service['connection-pools']
      ? { 'connection-pools': service['connection-pools'].map((pool) => ({ ...pool, 'connection-uri': withoutUriPassword(pool['connection-uri']) })) }
      : {}),
  };
}

/** Puts a password into a URI that has a user but no password. */
export const withUriPassword = (uri: string, password: string): string =>
  uri.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]+)@/i, (_m, head: string) => `${head}:${encodeURIComponent(password)}@`);
