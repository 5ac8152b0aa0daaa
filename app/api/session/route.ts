// POST /api/session – sign in with an API key (checked with a signed call); DELETE – sign out
import { NextResponse, type NextRequest } from 'next/server';
import { fromZodError } from '@/lib/api-v2/errors';
import { signInSchema, type SessionInfo } from '@/lib/schemas/session';
import { checkDeclaredLength, readJsonBody } from '@/lib/server/body';
import { resolveEndpoint } from '@/lib/server/endpoints';
import { checkSameOrigin } from '@/lib/server/origins';
import { readRights } from '@/lib/server/rights';
import { errorResponse } from '@/lib/server/route';
import { getSession } from '@/lib/server/session';
import { verifyUpstream } from '@/lib/server/upstream';

export async function POST(req: NextRequest) {
  try {
    checkSameOrigin(req);
    const parsed = signInSchema.safeParse(await readJsonBody(req));
    if (!parsed.success) throw fromZodError(parsed.error);
    const { key, secret, endpoint } = parsed.data;
    // only the local engine, a cloud zone or an allowed base: nothing is sent anywhere else
    const { baseUrl, label } = resolveEndpoint(endpoint);
    // the key checked on an upstream that answers as the API, before any probe reaches it
    const creds = await verifyUpstream({ baseUrl, key, secret });
    const rights = await readRights(creds);
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
