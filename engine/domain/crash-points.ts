// Named points where a crash leaves the most to repair. When PGDECK_CRASH_AT
// names one, the engine kills itself there with SIGKILL, exactly as a crash
// would: the fault tests use it to prove recovery. Unset, it does nothing.
export type CrashPoint = 'create-user:role-created' | 'reset-password:applied' | 'base-backup:copied' | 'upgrade:new-started' | 'upgrade:switched'
  | 'migration:copying' | 'standby:copied' | 'standby:started' | 'failover:fenced' | 'failover:switched';

export function crashPoint(name: CrashPoint): void {
  if (process.env.PGDECK_CRASH_AT === name) process.kill(process.pid, 'SIGKILL');
}

/**
 * Named points where an operation fails as if a step went wrong (PGDECK_FAIL_AT):
 * the tests use them to prove a failure rolls back. Unset, nothing happens.
 */
export type FailPoint = 'upgrade:pg_upgrade' | 'upgrade:verify' | 'upgrade:switch';

export function failPoint(name: FailPoint): void {
  if (process.env.PGDECK_FAIL_AT === name) throw new Error(`failure injected at ${name} (PGDECK_FAIL_AT)`);
}
