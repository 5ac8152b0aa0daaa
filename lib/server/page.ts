// What a server-rendered page needs to read the API: the signed-in session
// (a visitor without one goes to /sign-in) and calls signed with its key.
import 'server-only';
import { redirect } from 'next/navigation';
import { ApiError } from '@/lib/api-v2/errors';
import { getSession, isSignedIn, type SignedInSession } from './session';
import { upstreamFor, type Upstream } from './upstream';

export async function signedInPage(): Promise<{ session: SignedInSession; upstream: Upstream }> {
  const session = await getSession();
  if (!isSignedIn(session)) redirect('/sign-in');
  return { session, upstream: upstreamFor(session) };
}

/** A read's answer, or what went wrong in the API's words: a page shows it in place of the data. */
export type Read<T> = { data: T; error?: undefined } | { data?: undefined; error: { status: number; message: string } };

/** Awaits a read; the API's refusals become the page's to show, anything else stays an error of the page. */
export async function read<T>(promise: Promise<T>): Promise<Read<T>> {
  try {
    return { data: await promise };
  } catch (err) {
    if (err instanceof ApiError) return { error: { status: err.status, message: err.message } };
    throw err;
  }
}
