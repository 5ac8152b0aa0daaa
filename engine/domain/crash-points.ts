// Named points where a crash leaves the most to repair. When PGDECK_CRASH_AT
// names one, the engine kills itself there with SIGKILL, exactly as a crash
// would: the fault tests use it to prove recovery. Unset, it does nothing.
export type CrashPoint = 'create-user:role-created' | 'reset-password:applied' | 'base-backup:copied';

export function crashPoint(name: CrashPoint): void {
  if (process.env.PGDECK_CRASH_AT === name) process.kill(process.pid, 'SIGKILL');
}
