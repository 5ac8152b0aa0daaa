// GET /api/services/{name}/ca-certificate – the CA certificate, as a file to download
import { NextResponse, type NextRequest } from 'next/server';
import { z } from 'zod';
import { endpointUnusable } from '@/lib/api-v2/errors';
import { serviceNameSchema } from '@/lib/schemas/common';
import { withSession } from '@/lib/server/route';

const params = z.object({ name: serviceNameSchema });
const json = withSession({ params }, async ({ upstream }) => {
  const answer = await upstream<{ certificate?: unknown }>('GET', '/dbaas-ca-certificate');
  // served as a file: only a PEM certificate, never whatever else an upstream sent
  if (typeof answer.certificate !== 'string' || !/^\s*-----BEGIN CERTIFICATE-----/.test(answer.certificate)) throw endpointUnusable();
  return answer;
});

export async function GET(req: NextRequest, args: { params: Promise<Record<string, string>> }) {
  const res = await json(req, args);
  if (!res.ok) return res;
  const { certificate } = (await res.json()) as { certificate: string };
  const { name } = await args.params;
  return new NextResponse(certificate, {
    headers: {
      'content-type': 'application/x-pem-file',
      'content-disposition': `attachment; filename="${name}-ca.pem"`,
      'cache-control': 'no-store',
    },
  });
}
