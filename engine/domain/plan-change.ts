// What moving a service to another plan means before it happens: the checks
// that refuse it (a 400 naming plan, nothing changed) and, for the console's
// preview, what it would change in PostgreSQL. updateService and the preview
// run the same checks, so the preview says what the change would answer.
import { ApiError } from '@/lib/api-v2/errors';
import type { PlanChange, PlanChanges } from '@/lib/schemas/plan-change';
import { QUORUM_MIN_NODES } from '@/lib/schemas/service-constants';
import { renderPgSettings } from '../settings/render';
import { restartingChanges } from '../settings/service-settings';
import type { ServiceRecord } from '../store/services';
import { measureDiskUse, type DiskUse } from './disk-use';
import { serviceParameters, type Engine } from './engine';
import { requireService } from './lookup';
import { findPlan, plans, type Plan } from './plans';

export function checkPlan(name: string): Plan {
  const plan = findPlan(name);
  if (!plan) throw new ApiError('incorrect', `plan: unknown plan "${name}"; plans: ${plans.map((p) => p.name).join(', ')}`, 'plan');
  return plan;
}

/** Quorum commit needs two standbys to choose from: plans of 3 nodes or more. */
export function checkSyncReplication(plan: Plan, mode: 'off' | 'quorum', field: 'synchronous-replication' | 'plan'): void {
  if (mode !== 'quorum' || plan.nodeCount >= QUORUM_MIN_NODES) return;
  throw new ApiError('incorrect', field === 'plan'
    ? `plan: ${plan.name} has ${plan.nodeCount} node${plan.nodeCount === 1 ? '' : 's'}, and synchronous-replication quorum needs ${QUORUM_MIN_NODES} or more; turn synchronous-replication off first`
    : `synchronous-replication: quorum needs a plan with at least ${QUORUM_MIN_NODES} nodes; ${plan.name} has ${plan.nodeCount}`, field);
}

/** What the service's nodes allow: a read replica runs one node. */
export function checkNodeCount(engine: Engine, name: string, plan: Plan): void {
  if (plan.nodeCount !== 1 && engine.integrations.replicaOf(name)) {
    throw new ApiError('incorrect', `plan: a read replica runs one node; ${plan.name} has ${plan.nodeCount}`, 'plan');
  }
}

const size = (bytes: number): string => (bytes >= 2 ** 30 / 10 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${Math.round(bytes / 2 ** 20)} MiB`);

/**
 * A plan with less disk than the current one must hold what the service holds now: its databases, WAL and backups,
 * as disk_used counts them. Measured (on the master) only for such a plan.
 */
export async function checkDisk(svc: ServiceRecord, plan: Plan, measure: () => Promise<DiskUse>): Promise<void> {
  const current = findPlan(svc.plan);
  if (!current || plan.diskGiB >= current.diskGiB) return;
  let use: DiskUse;
  try {
    use = await measure();
  } catch (err) {
    throw new ApiError('busy', `plan: ${plan.name} has less disk than ${svc.plan}, and what ${svc.name} holds cannot be measured now (${(err as Error).message}); retry when it runs`, 'plan');
  }
  if (use.total <= plan.diskGiB * 2 ** 30) return;
  throw new ApiError('incorrect',
    `plan: ${plan.name} has ${plan.diskGiB} GiB of disk, less than the ${size(use.total)} ${svc.name} holds (databases ${size(use.databases)}, WAL ${size(use.wal)}, backups ${size(use.backups)}): free space first, or choose a plan with more disk`,
    'plan');
}

const confText = (v: string | number | boolean | undefined): string | null => (v === undefined ? null : typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v));

/** What moving to `plan` would change in the service's PostgreSQL parameters, and which of them need a restart. */
async function parameterChanges(engine: Engine, svc: ServiceRecord, plan: Plan): Promise<PlanChange['parameters']> {
  const before = serviceParameters(svc);
  const after = serviceParameters({ plan: plan.name, settings: svc.settings });
  const restart = new Set(await restartingChanges(engine.settings, svc.major, before, after));
  const own = renderPgSettings(svc.settings, plan);
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => before[k] !== after[k])
    .map((k) => ({ name: k, from: confText(before[k]), to: confText(after[k]), restart: restart.has(k), 'from-settings': k in own }));
}

// GET /v2/pgdeck/dbaas-postgres/{name}/plan-changes
export async function planChanges(engine: Engine, name: string): Promise<PlanChanges> {
  const svc = requireService(engine, name);
  // measured once for every plan; a failure is each smaller plan's refusal
  const measured = measureDiskUse(engine, svc);
  const measure = () => measured;
  const use = await measured.catch(() => null);
  const out: PlanChange[] = [];
  for (const plan of plans.filter((p) => p.name !== svc.plan)) {
    let refused: PlanChange['refused'];
    try {
      checkNodeCount(engine, name, plan);
      checkSyncReplication(plan, svc.syncReplication, 'plan');
      await checkDisk(svc, plan, measure);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      refused = { message: err.message, ...(err.field ? { field: err.field } : {}) };
    }
    out.push({ plan: plan.name, parameters: await parameterChanges(engine, svc, plan), ...(refused ? { refused } : {}) });
  }
  return { 'disk-use': use, 'plan-changes': out };
}
