// Plans in the public naming. On this engine a plan is a resource budget:
// memory-derived PostgreSQL settings follow it, and its node count is the
// master plus that many standbys minus one (business: 2 nodes, premium: 3).
import type { ConfValue } from '../runtime/instance';

const GiB = 1024 ** 3;

export interface Plan {
  name: string;
  nodeCount: number;
  cpus: number;
  memoryGiB: number;
  diskGiB: number;
}

const sizes: [number, number, number][] = [
  // memory GiB, cpus, disk GiB
  [4, 2, 80],
  [8, 2, 175],
  [16, 4, 350],
  [32, 8, 700],
  [64, 16, 1400],
];

export const plans: Plan[] = [
  { name: 'hobbyist-2', nodeCount: 1, cpus: 1, memoryGiB: 2, diskGiB: 8 },
  ...(['startup', 'business', 'premium'] as const).flatMap((family, i) =>
    sizes.map(([memoryGiB, cpus, diskGiB]) => ({ name: `${family}-${memoryGiB}`, nodeCount: i + 1, cpus, memoryGiB, diskGiB })),
  ),
];

export const findPlan = (name: string): Plan | undefined => plans.find((p) => p.name === name);

export function maxConnections(plan: Plan): number {
  return Math.min(1000, Math.max(25, plan.memoryGiB * 25));
}

/** shared_buffers while a service sets no shared-buffers-percentage. */
export const SHARED_BUFFERS_PERCENTAGE = 25;

/** The memory- and CPU-derived settings a plan implies. */
export function planSettings(plan: Plan): Record<string, ConfValue> {
  const mb = plan.memoryGiB * 1024;
  return {
    max_connections: maxConnections(plan),
    shared_buffers: `${Math.floor((mb * SHARED_BUFFERS_PERCENTAGE) / 100)}MB`,
    effective_cache_size: `${Math.floor(mb * 0.75)}MB`,
    // the public description: 1MB + 0.075% of RAM, up to 32MB
    work_mem: `${Math.min(32, Math.floor(1 + mb * 0.00075))}MB`,
    maintenance_work_mem: `${Math.min(2048, Math.floor(mb / 16))}MB`,
    max_worker_processes: Math.max(8, plan.cpus),
    max_parallel_workers: plan.cpus,
    max_parallel_workers_per_gather: Math.max(1, Math.floor(plan.cpus / 2)),
    // as the public services run: a service can be the source of logical replication (a migration into another
    // service, change data capture); a service made before this takes it at its next maintenance restart
    wal_level: 'logical',
    // pg_rewind needs it on a master before it fails, so that a failed master comes back as a standby by rewinding
    // rather than by a whole copy (a restart for a service made before this: listed by maintenance)
    wal_log_hints: true,
    // a standby that stays away cannot fill the master's disk with the WAL its slot holds: at most 10 % of the
    // plan's disk; past it the slot is lost and the standby catches up from the archive (restore_command)
    max_slot_wal_keep_size: `${plan.diskGiB * 102}MB`,
  };
}

/** planSettings in words, for the settings document's keys whose default is the plan's (x-default-from-plan). */
export const planSettingRules: Record<string, string> = {
  max_connections: '25 per GiB of the plan’s memory, from 25 to 1000',
  shared_buffers: `${SHARED_BUFFERS_PERCENTAGE} % of the plan’s memory`,
  effective_cache_size: '75 % of the plan’s memory',
  work_mem: '1 MB + 0.075 % of the plan’s memory, at most 32 MB',
  maintenance_work_mem: 'a sixteenth of the plan’s memory, at most 2 GB',
  max_worker_processes: 'the plan’s CPU count, at least 8',
  max_parallel_workers: 'the plan’s CPU count',
  max_parallel_workers_per_gather: 'half the plan’s CPU count, at least 1',
  wal_level: 'logical',
  wal_log_hints: 'on',
  max_slot_wal_keep_size: 'a tenth of the plan’s disk',
};

/** Daily base backups kept, by plan family: small plans keep fewer days, as the public plans do. */
const BACKUPS_KEPT: Record<string, number> = { hobbyist: 2, startup: 2, business: 14, premium: 30 };

/** How many daily base backups a plan keeps; WAL reaches back to the oldest, so PITR covers as many days. */
export const backupsKept = (plan: Plan): number => BACKUPS_KEPT[plan.name.split('-')[0] ?? ''] ?? 2;

/** Hours between base backups. */
export const BACKUP_INTERVAL_HOURS = 24;

/**
 * archive_timeout: a WAL file is switched at least this often. Below the promised minute, so that
 * compressing and writing the file (a second or two on a busy machine) still lands inside it:
 * bench/backup.ts measured a p99 of 60.5 s with 60.
 */
export const ARCHIVE_TIMEOUT_SECONDS = 50;

/** At most this much committed work is ever unarchived: the figure the plans promise. */
export const ARCHIVE_PROMISE_SECONDS = 60;

/**
 * The plan's backup figures in the public shape: a base backup a day (infrequent), WAL archived at least every
 * minute (frequent), both kept as many days as the plan keeps backups; restores to any second (pitr).
 */
export function backupConfig(plan: Plan) {
  const keptMinutes = backupsKept(plan) * BACKUP_INTERVAL_HOURS * 60;
  return {
    interval: BACKUP_INTERVAL_HOURS,
    'max-count': backupsKept(plan),
    'recovery-mode': 'pitr',
    'frequent-interval-minutes': ARCHIVE_PROMISE_SECONDS / 60,
    'frequent-oldest-age-minutes': keptMinutes,
    'infrequent-interval-minutes': BACKUP_INTERVAL_HOURS * 60,
    'infrequent-oldest-age-minutes': keptMinutes,
  };
}

export function planToApi(plan: Plan, zone: string) {
  return {
    name: plan.name,
    'node-count': plan.nodeCount,
    'node-cpu-count': plan.cpus,
    'node-memory': plan.memoryGiB * GiB,
    'disk-space': plan.diskGiB * GiB,
    'max-memory-percent': 80,
    // every plan runs here, multi-node plans with standbys and automatic failover
    authorized: true,
    zones: [zone],
    family: plan.name.split('-')[0],
    'backup-config': backupConfig(plan),
  };
}
