// What a key may do, found by asking the upstream itself: each probe is a
// request that changes nothing (an unknown, randomly named service), answered
// 403 when the key's role lacks the right, and 400/404 when it has it. Nothing
// here is specific to the local engine. Probes only go to an upstream that
// answered sign-in's check as the API and accepted the key (VerifiedCredentials).
import 'server-only';
import { randomBytes } from 'node:crypto';
import type { Right } from '@/lib/schemas/session';
import { exchange, type VerifiedCredentials } from './upstream';

export async function probeRights(creds: VerifiedCredentials): Promise<Right[]> {
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
