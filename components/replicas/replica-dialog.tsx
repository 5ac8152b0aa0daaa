'use client';
// Either dialog of the Read replicas card, behind the one lazy import its
// island makes (each lazy import costs the overview's first load a loader).
import { CreateReplicaDialog } from './create-replica-dialog';
import { PromoteReplicaDialog } from './promote-replica-dialog';

export type ReplicaDialogProps =
  /** On a service; `sourcePlan` and `sourceMemory` (per node) preselect a plan of its size. */
  | { kind: 'create'; source: string; sourcePlan: string; sourceMemory?: number }
  /** On a replica; `integration` is the id of the integration that makes it one. */
  | { kind: 'promote'; name: string; source: string; integration: string };

export default function ReplicaDialog(props: ReplicaDialogProps & { open: boolean; onClose: () => void }) {
  return props.kind === 'create' ? <CreateReplicaDialog {...props} /> : <PromoteReplicaDialog {...props} />;
}
