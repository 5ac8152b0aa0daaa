// GET /api/services/{name}/ca-certificate – the CA certificate, as a file to download
import { NextResponse, type NextRequest } from 'next/server';
import { z } from 'zod';
import { serviceNameSchema } from '@/lib/schemas/common';
import { withSession } from '@/lib/server/route';

const params = z.object({ name: serviceNameSchema });
const json = withSession({ params }, ({ upstream }) => upstream<{ certificate: string }>('GET', '/dbaas-ca-certificate'));

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
