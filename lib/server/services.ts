// Services read with the signed-in key, for the route handlers and the
// server-rendered pages alike: passwords left out, as the browser may hold them.
import 'server-only';
import { ApiError } from '@/lib/api-v2/errors';
import { withoutPasswords } from '@/lib/schemas/redact';
import type { ServiceMetrics } from '@/lib/schemas/metrics';
import type { NodeStateView, ServiceCommon, ServicePg } from '@/lib/schemas/service';
import { serviceTypeSchema, type ServiceType } from '@/lib/schemas/service-type';
import { read } from './page';
import type { Upstream } from './upstream';

export const servicePath = (name: string) => `/dbaas-postgres/${encodeURIComponent(name)}`;

export async function listServices(upstream: Upstream): Promise<ServiceCommon[]> {
  return (await upstream<{ 'dbaas-services'?: ServiceCommon[] }>('GET', '/dbaas-service'))['dbaas-services'] ?? [];
}

// Passwords stay out: the reveal route serves them one at a time.
export async function readService(upstream: Upstream, name: string): Promise<ServicePg> {
  return withoutPasswords(await upstream<ServicePg>('GET', servicePath(name)));
}

/** The plans and versions offered: the create page's choices, checked here so its first load carries no zod for them. */
export async function readServiceType(upstream: Upstream): Promise<ServiceType> {
  const parsed = serviceTypeSchema.safeParse(await upstream('GET', '/dbaas-service-type/pg'));
  if (!parsed.success) throw new ApiError('fault', 'the service type the API answered is not one this console reads');
  return parsed.data;
}

/** Each named service's first node (a read replica's one node, with its lag), by name; undefined where it could not be read. */
export async function readFirstNodes(upstream: Upstream, names: string[]): Promise<Record<string, NodeStateView | undefined>> {
  const reads = await Promise.all(names.map((name) => read(readService(upstream, name))));
  return Object.fromEntries(names.map((name, i) => [name, reads[i]?.data?.['node-states']?.[0]]));
}

/** A service's health at a glance, from its latest metrics sample: connections used and disk used. */
export interface ServiceHealth {
  connections?: number;
  connectionsPercent?: number;
  diskBytes?: number;
}

/** The latest value of a series' first number column (the master's), if any. */
const latest = (m: ServiceMetrics['metrics'], key: string): number | undefined => {
  const v = m[key]?.data.rows.at(-1)?.[1];
  return typeof v === 'number' ? v : undefined;
};

/** Each service's health, by name; absent where the upstream has no metrics for it (yet). */
export async function readHealth(upstream: Upstream, names: string[]): Promise<Record<string, ServiceHealth>> {
  const reads = await Promise.all(names.map((name) => read(upstream<ServiceMetrics>('POST', `/dbaas-service-metrics/${encodeURIComponent(name)}`, { period: 'hour' }))));
  const out: Record<string, ServiceHealth> = {};
  names.forEach((name, i) => {
    const m = reads[i]?.data?.metrics;
    if (!m) return;
    out[name] = { connections: latest(m, 'pg_connections'), connectionsPercent: latest(m, 'pg_connections_usage'), diskBytes: latest(m, 'disk_used') };
  });
  return out;
}
