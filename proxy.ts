// Every request but the route handlers': its Host (or, behind a trusted proxy,
// X-Forwarded-Host) must be one of the console's origins, and a page gets a
// Content-Security-Policy with a fresh nonce. Route handlers (/api/...) check
// Host themselves in withSession and the session route: a proxy in front of
// them would make Next.js buffer every request body before they can limit it.
import { randomBytes } from 'node:crypto';
import { NextResponse, type NextRequest } from 'next/server';
import { ApiError } from '@/lib/api-v2/errors';
import { contentSecurityPolicy } from '@/lib/server/csp';
import { checkHost } from '@/lib/server/origins';

export function proxy(req: NextRequest) {
  let origins: string[];
  try {
    origins = checkHost(req);
  } catch (err) {
    if (err instanceof ApiError) return NextResponse.json(err.toBody(), { status: err.status });
    throw err;
  }
  const nonce = randomBytes(16).toString('base64');
  const csp = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === 'development', https: origins.every((o) => o.startsWith('https:')) });
  // Next.js reads the nonce for its own scripts from the request's policy
  const headers = new Headers(req.headers);
  headers.set('content-security-policy', csp);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set('content-security-policy', csp);
  return res;
}

export const config = {
  matcher: ['/((?!api/).*)'],
};
