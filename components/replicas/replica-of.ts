// Which side of a read replica a service is on, from its `integrations` (both
// the source and the replica list the integration). Upstreams that run no
// read replicas leave `integrations` out: then a service is neither.
import { READ_REPLICA, type Integration } from '@/lib/schemas/integration';
import type { ServicePg } from '@/lib/schemas/service';

const readReplicas = (s: ServicePg | undefined): Integration[] => (s?.integrations ?? []).filter((i) => i.type === READ_REPLICA);

/** The integration that makes `s` a read replica (its `source` is the service it follows), if it is one. */
export const replicaLink = (s: ServicePg | undefined): Integration | undefined => readReplicas(s).find((i) => i.dest === s?.name);

/** The read replicas that follow `s`. */
export const replicasOf = (s: ServicePg | undefined): Integration[] => readReplicas(s).filter((i) => i.source === s?.name);

/** Why users, databases and pools cannot be changed on `s` (the engine refuses with 409), or undefined. */
export function replicaLock(s: ServicePg | undefined, what: string): string | undefined {
  const source = replicaLink(s)?.source;
  return source ? `${s?.name} is a read replica of ${source}: its ${what} are ${source}'s. Change them on ${source}.` : undefined;
}
