// POST /api/session – sign in with an API key (checked with a signed call); DELETE – sign out
import { NextResponse, type NextRequest } from 'next/server';
import { ApiError, fromZodError } from '@/lib/api-v2/errors';
import { signInSchema, type SessionInfo } from '@/lib/schemas/session';
import { checkDeclaredLength, readJsonBody } from '@/lib/server/body';
import { checkSameOrigin } from '@/lib/server/origins';
import { errorResponse } from '@/lib/server/route';
import { probeRights } from '@/lib/server/rights';
import { getSession } from '@/lib/server/session';
import { callUpstream, resolveEndpoint } from '@/lib/server/upstream';

export async function POST(req: NextRequest) {
  try {
    checkSameOrigin(req);
    const parsed = signInSchema.safeParse(await readJsonBody(req));
    if (!parsed.success) throw fromZodError(parsed.error);
    const { key, secret, endpoint } = parsed.data;
    const { baseUrl, label } = resolveEndpoint(endpoint);
    const creds = { baseUrl, key, secret };
    try {
      await callUpstream(creds, 'GET', '/dbaas-service');
    } catch (err) {
      if (err instanceof ApiError && err.reason === 'forbidden') {
        throw new ApiError('forbidden', `the endpoint refused this key: ${err.message}`, 'secret');
      }
      throw err;
    }
    const rights = await probeRights(creds);
    const session = await getSession();
    Object.assign(session, { key, secret, baseUrl, endpointLabel: label, rights });
    await session.save();
    const info: SessionInfo = { key, endpoint: label, rights };
    return NextResponse.json(info);
  } catch (err) {
    return errorResponse(err);
  }
}

export async function DELETE(req: NextRequest) {
  try {
    checkSameOrigin(req);
    checkDeclaredLength(req);
    (await getSession()).destroy();
    return NextResponse.json({});
  } catch (err) {
    return errorResponse(err);
  }
}
