// What a plan's nodes give, said the same way wherever plans are listed, and
// which plans may turn synchronous replication on.

import { QUORUM_MIN_NODES } from '@/lib/schemas/service-constants';

export { QUORUM_MIN_NODES };

export const allowsQuorum = (nodeCount: number | undefined): boolean => (nodeCount ?? 1) >= QUORUM_MIN_NODES;

/** `1 node`, `2 nodes · automatic failover`, `3 nodes · automatic failover · synchronous quorum available`. */
export function planGives(nodeCount: number): string {
  if (nodeCount <= 1) return '1 node';
  return [`${nodeCount} nodes`, 'automatic failover', ...(allowsQuorum(nodeCount) ? ['synchronous quorum available'] : [])].join(' · ');
}

export const QUORUM_EXPLAINED =
  'Each commit waits until one standby has it: no acknowledged commit is lost at a failover; writes are slower.';
