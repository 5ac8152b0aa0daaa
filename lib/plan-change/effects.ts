// What moving a service to another plan does, as the plan change dialog says
// it: the figures from and to (the public contract's), the standbys added or
// removed, and, where the upstream previews it (the /v2/pgdeck extension), the
// PostgreSQL parameters that change, which of them restart it, and whether the
// upstream would refuse the move. Where it does not, the dialog speaks generally.
import type { PlanChange, PlanChangesAnswer } from '@/lib/schemas/plan-change';
import type { ServicePg } from '@/lib/schemas/service';
import type { Plan } from '@/lib/schemas/service-type';

export interface PlanFigures {
  name: string;
  nodes: number;
  cpus: number;
  /** Bytes per node. */
  memory: number;
  /** Bytes. */
  disk: number;
  /** Base backups kept, where the service type says. */
  backupsKept?: number;
}

export const figuresOf = (p: Plan): PlanFigures => ({
  name: p.name,
  nodes: p['node-count'],
  cpus: p['node-cpu-count'],
  memory: p['node-memory'],
  disk: p['disk-space'],
  backupsKept: p['backup-config']?.['max-count'],
});

/** The service's plan as the service type lists it; else as the service itself says (a plan no longer offered). */
export function currentFigures(service: ServicePg, plans: Plan[]): PlanFigures {
  const listed = plans.find((p) => p.name === service.plan);
  if (listed) return figuresOf(listed);
  return {
    name: service.plan,
    nodes: service['node-count'] ?? 1,
    cpus: service['node-cpu-count'] ?? 0,
    memory: service['node-memory'] ?? 0,
    disk: service['disk-size'] ?? 0,
  };
}

export interface PlanEffects {
  from: PlanFigures;
  to: PlanFigures;
  standbysAdded: number;
  standbysRemoved: number;
  /** Automatic failover, which needs a standby: gained or lost by the move, or as it was. */
  failover: 'gained' | 'lost' | 'unchanged';
  memoryChanges: boolean;
  diskShrinks: boolean;
  /** The upstream's preview of this move; null where the upstream gives none (the public zones), undefined while it loads. */
  preview: PlanChange | null | undefined;
  /** Parameters that PostgreSQL takes only at a restart; null where the upstream does not say. */
  restartFor: string[] | null;
  /** Why the upstream would refuse it now. */
  refused?: string;
}

export function planEffects(from: PlanFigures, to: Plan, answer: PlanChangesAnswer | undefined): PlanEffects {
  const target = figuresOf(to);
  const list = answer?.['plan-changes'];
  const preview = list === undefined ? undefined : list === null ? null : (list.find((c) => c.plan === to.name) ?? null);
  const delta = target.nodes - from.nodes;
  return {
    from,
    to: target,
    standbysAdded: Math.max(0, delta),
    standbysRemoved: Math.max(0, -delta),
    failover: from.nodes <= 1 && target.nodes > 1 ? 'gained' : from.nodes > 1 && target.nodes <= 1 ? 'lost' : 'unchanged',
    memoryChanges: target.memory !== from.memory,
    diskShrinks: target.disk < from.disk,
    preview,
    restartFor: preview ? preview.parameters.filter((p) => p.restart).map((p) => p.name) : null,
    refused: preview?.refused?.message,
  };
}
