// What a key may do, found by asking the upstream itself. A pgdeck engine says
// so (GET /v2/pgdeck/key, the key-rights extension); elsewhere each right is
// probed by a request that changes nothing (an unknown, randomly named
// service), answered 403 when the key's role lacks the right, and 400/404 when
// it has it. Only an upstream that answered sign-in's check as the API and
// accepted the key (VerifiedCredentials) is asked.
import 'server-only';
import { randomBytes } from 'node:crypto';
import type { ActivityEntry } from '@/lib/schemas/activity';
import { rights, type Right } from '@/lib/schemas/session';
import { upstreamExtensions } from './extensions';
import { exchange, upstreamFor, type VerifiedCredentials } from './upstream';

/** The services the probes ask about (the second an invalid name): no one can have them. */
const PROBED = /^(pgdeck-probe-|PGDECK_PROBE_)/;

/** The key's rights: as the upstream states them where it can (no refused requests in its activity), else probed. */
export async function readRights(creds: VerifiedCredentials): Promise<Right[]> {
  const upstream = upstreamFor(creds);
  if ((await upstreamExtensions(upstream, creds.baseUrl)).includes('key-rights')) {
    const stated = await upstream<{ rights?: unknown }>('GET', '/pgdeck/key').then((b) => b.rights, () => undefined);
    if (Array.isArray(stated)) return rights.filter((r) => stated.includes(r));
  }
  return probeRights(creds);
}

async function probeRights(creds: VerifiedCredentials): Promise<Right[]> {
  const ghost = `pgdeck-probe-${randomBytes(6).toString('hex')}`;
  const probes: [Right, string, string, unknown?][] = [
    ['write', 'PUT', `/dbaas-postgres/${ghost}`, {}],
    ['termination-protection', 'PUT', `/dbaas-postgres/${ghost}`, { 'termination-protection': false }],
    // an invalid name can never exist, so this delete can never delete anything
    ['delete-service', 'DELETE', `/dbaas-postgres/PGDECK_PROBE_${ghost.slice(-6)}`],
    ['reveal', 'GET', `/dbaas-postgres/${ghost}/user/${ghost}/password/reveal`],
  ];
  // a probe without an API answer grants nothing
  const statuses = await Promise.all(probes.map(([, method, path, body]) => exchange(creds, method, path, body).then((r) => r.status, () => 403)));
  return probes.filter((_, i) => statuses[i] !== 403).map(([right]) => right);
}

/**
 * Where the upstream keeps activity, each sign-in's probes are in it, made with the key: the right a probe checked
 * (the two PUTs alike where the body is hidden from a viewer), or null for a request that is no probe.
 */
export function probedRight(e: Pick<ActivityEntry, 'service' | 'method' | 'body'>): Right | null {
  if (!e.service || !PROBED.test(e.service)) return null;
  if (e.method === 'DELETE') return 'delete-service';
  if (e.method === 'GET') return 'reveal';
  return typeof e.body === 'object' && e.body !== null && 'termination-protection' in e.body ? 'termination-protection' : 'write';
}
