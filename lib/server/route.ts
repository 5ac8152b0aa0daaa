// The one wrapper every console route handler is written through: Host and,
// on mutations, Origin checked, the body limited, the session, params and body
// validated with the shared zod schemas, the call signed with the user's own
// key, errors in one shape.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { NextResponse, type NextRequest } from 'next/server';
import type { z } from 'zod';
import { ApiError, fromZodError } from '@/lib/api-v2/errors';
import { checkDeclaredLength, readJsonBody } from './body';
import { checkHost, checkSameOrigin } from './origins';
import { getSession, isSignedIn, type SignedInSession } from './session';
import { upstreamFor, type Upstream } from './upstream';

export interface HandlerContext<P, B> {
  params: P;
  body: B;
  session: SignedInSession;
  /** A signed call to the user's upstream. */
  upstream: Upstream;
}

interface Options<P, B> {
  params?: z.ZodType<P>;
  body?: z.ZodType<B>;
}

type RouteArgs = { params: Promise<Record<string, string | string[]>> };

const MUTATIONS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function errorResponse(err: unknown): NextResponse {
  if (err instanceof ApiError) return NextResponse.json(err.toBody(), { status: err.status });
  const requestId = randomUUID();
  console.error(`console request ${requestId} failed: ${(err as Error)?.stack ?? String(err)}`);
  return NextResponse.json({ message: 'internal error', code: 'fault', 'request-id': requestId }, { status: 500 });
}

export function withSession<P = Record<string, never>, B = undefined>(
  opts: Options<P, B>,
  handler: (ctx: HandlerContext<P, B>) => Promise<unknown>,
) {
  return async (req: NextRequest, args: RouteArgs): Promise<NextResponse> => {
    try {
      if (MUTATIONS.has(req.method)) checkSameOrigin(req);
      else checkHost(req);
      checkDeclaredLength(req);
      const session = await getSession();
      if (!isSignedIn(session)) throw new ApiError('forbidden', 'sign in first');
      const rawParams = await args.params;
      const params = opts.params ? parse(opts.params, rawParams) : ({} as P);
      const body = opts.body ? parse(opts.body, await readJsonBody(req)) : (undefined as B);
      const result = await handler({ params, body, session, upstream: upstreamFor(session) });
      return NextResponse.json(result ?? {}, { headers: { 'cache-control': 'no-store' } });
    } catch (err) {
      return errorResponse(err);
    }
  };
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw fromZodError(r.error);
  return r.data;
}
