// The console's session: an encrypted, httpOnly, SameSite cookie (iron-session)
// holding the signed-in key, its secret and endpoint. Server-only.
import 'server-only';
import { getIronSession, type SessionOptions } from 'iron-session';
import { cookies } from 'next/headers';
import type { Right } from '@/lib/schemas/session';
import { isPermittedBase } from './endpoints';

export interface SessionData {
  key?: string;
  secret?: string;
  /** Base URL of the upstream, ending in /v2. */
  baseUrl?: string;
  /** How the endpoint was chosen, for display. */
  endpointLabel?: string;
  rights?: Right[];
}

export type SignedInSession = Required<Pick<SessionData, 'key' | 'secret' | 'baseUrl' | 'endpointLabel' | 'rights'>>;

function sessionPassword(): string {
  const secret = process.env.PGDECK_SESSION_SECRET ?? '';
  if (secret.length < 32) {
    throw new Error('PGDECK_SESSION_SECRET must be set to at least 32 characters (npm start generates one)');
  }
  return secret;
}

export function sessionOptions(): SessionOptions {
  return {
    password: sessionPassword(),
    cookieName: 'pgdeck_session',
    ttl: 12 * 60 * 60,
    cookieOptions: {
      httpOnly: true,
      sameSite: 'lax',
      // Secure where the console is served over HTTPS; plain HTTP on 127.0.0.1 is the local default.
      secure: process.env.PGDECK_SECURE_COOKIES === 'true',
      path: '/',
    },
  };
}

export async function getSession() {
  return getIronSession<SessionData>(await cookies(), sessionOptions());
}

/** Signed in, on an upstream this console may still call (the operator may have taken it off the list since). */
export function isSignedIn(s: SessionData): s is SessionData & SignedInSession {
  return Boolean(s.key && s.secret && s.baseUrl && s.rights && isPermittedBase(s.baseUrl));
}
