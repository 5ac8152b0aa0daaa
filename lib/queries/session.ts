// Signing in and out: the two calls that are not the API's resources. Plain
// functions rather than query hooks, since the pages that make them (sign-in,
// the header of every page) hold no query cache.
import type { SignIn } from '@/lib/schemas/session';
import { api } from './api';

export const signIn = (values: SignIn) => api<unknown>('POST', '/session', values);

/** Ends the session, then loads the sign-in page afresh: nothing the browser held of it survives. */
export async function signOut(): Promise<void> {
  await api<unknown>('DELETE', '/session');
  window.location.assign('/sign-in');
}
