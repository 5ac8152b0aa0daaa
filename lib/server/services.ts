// Services read with the signed-in key, for the route handlers and the
// server-rendered pages alike: passwords left out, as the browser may hold them.
import 'server-only';
import { withoutPasswords } from '@/lib/schemas/redact';
import type { ServiceCommon, ServicePg } from '@/lib/schemas/service';
import type { Upstream } from './upstream';

export const servicePath = (name: string) => `/dbaas-postgres/${encodeURIComponent(name)}`;

export async function listServices(upstream: Upstream): Promise<ServiceCommon[]> {
  return (await upstream<{ 'dbaas-services'?: ServiceCommon[] }>('GET', '/dbaas-service'))['dbaas-services'] ?? [];
}

// Passwords stay out: the reveal route serves them one at a time.
export async function readService(upstream: Upstream, name: string): Promise<ServicePg> {
  return withoutPasswords(await upstream<ServicePg>('GET', servicePath(name)));
}
