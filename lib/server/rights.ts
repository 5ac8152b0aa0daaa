// What a key may do, found by asking the upstream itself: each probe is a
// request that changes nothing (an unknown, randomly named service), answered
// 403 when the key's role lacks the right, and 400/404 when it has it. Nothing
// here is specific to the local engine.
import 'server-only';
import { randomBytes } from 'node:crypto';
import { apiRequest, type Credentials } from '@/lib/api-v2/client';
import type { Right } from '@/lib/schemas/session';

export async function probeRights(creds: Credentials): Promise<Right[]> {
  const ghost = `pgdeck-probe-${randomBytes(6).toString('hex')}`;
  const probes: [Right, string, string, unknown?][] = [
    ['write', 'PUT', `/dbaas-postgres/${ghost}`, {}],
    ['termination-protection', 'PUT', `/dbaas-postgres/${ghost}`, { 'termination-protection': false }],
    // an invalid name can never exist, so this delete can never delete anything
    ['delete-service', 'DELETE', `/dbaas-postgres/PGDECK_PROBE_${ghost.slice(-6)}`],
    ['reveal', 'GET', `/dbaas-postgres/${ghost}/user/${ghost}/password/reveal`],
  ];
  const answers = await Promise.all(probes.map(([, method, path, body]) => apiRequest(creds, method, path, body)));
  return probes.filter((_, i) => answers[i]?.status !== 403).map(([right]) => right);
}
