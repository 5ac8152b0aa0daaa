// Keeps every service that should run, running: adopts instances that
// survived an engine restart, starts the others, finishes operations a crash
// cut off, and restarts a postmaster that dies (recording it in notifications).
import type { Engine } from './engine';
import { applyDatabase, dropDatabase } from './databases';
import { applyConfig, discard, materialize, requireService } from './services';
import { bouncerRunning, stopBouncer, syncBouncer } from './pools';
import { applyUser, dropUser } from './roles';
import { paths } from '../runtime/instance';
import { LogWatch } from '../runtime/log-watch';
import type { OperationRow } from '../store/operations';

type Resume = (engine: Engine, op: OperationRow, params: Record<string, string>) => Promise<void>;

const resumeUser: Resume = async (e, op, p) => {
  const user = e.services.user(op.service, p.username ?? '');
  if (user) await applyUser(e, requireService(e, op.service), user);
};

/** How each kind of operation is finished after a crash: by running it again. */
const resumers: Record<string, Resume> = {
  'create-service': (e, op) => materialize(e, op.service),
  'delete-service': (e, op) => discard(e, op.service),
  'update-service': (e, op, p) => applyConfig(e, op.service, p.restart === 'true'),
  'create-database': (e, op, p) => applyDatabase(e, op.service, p.name ?? ''),
  'delete-database': (e, op, p) => dropDatabase(e, op.service, p.name ?? ''),
  'create-user': resumeUser,
  'reset-password': resumeUser,
  'allow-replication': resumeUser,
  'delete-user': async (e, op, p) => {
    await dropUser(e, requireService(e, op.service), p.username ?? '');
    e.services.removeUser(op.service, p.username ?? '');
    await syncBouncer(e, op.service);
  },
  // The store was written first: PgBouncer's files are rewritten from it.
  'create-connection-pool': (e, op) => syncBouncer(e, op.service, { start: true }),
  'update-connection-pool': (e, op) => syncBouncer(e, op.service, { start: true }),
  'delete-connection-pool': (e, op) => syncBouncer(e, op.service, { start: true }),
};

export class Supervisor {
  private timer: NodeJS.Timeout | null = null;
  private busy = new Set<string>();
  private lastPid = new Map<string, number>();
  private logs = new LogWatch();
  /**
   * Services whose PostgreSQL or PgBouncer is down and was reported so: a process that keeps failing
   * to start is reported once per outage, not at every check, so it cannot push every other event
   * out of the notifications (the newest 20 are kept).
   */
  private pgDown = new Set<string>();
  private bouncerDown = new Set<string>();

  constructor(private readonly engine: Engine, private readonly intervalMs = 1000) {}

  /** Adopt or start what should run, then finish interrupted operations. */
  async recover(): Promise<void> {
    const { engine } = this;
    const interrupted = engine.operations.allPending();
    const pending = new Set(interrupted.map((o) => o.service));
    for (const svc of engine.services.list()) {
      if (pending.has(svc.name) || svc.phase === 'creating' || svc.phase === 'deleting') continue;
      const pid = engine.runtime.pid(engine.serviceRoot(svc));
      if (pid !== null) {
        this.lastPid.set(svc.name, pid);
        console.log(`adopted ${svc.name} (postmaster pid ${pid})`);
      } else {
        await this.restart(svc.name, 'was not running when the engine started; started it');
      }
      if (!bouncerRunning(engine, svc)) await this.restartBouncer(svc.name, 'was not running when the engine started; started it');
    }
    for (const op of interrupted) {
      const resume = resumers[op.command];
      const params = Object.fromEntries(Object.entries(JSON.parse(op.params) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
      try {
        if (!resume) throw new Error(`no way to resume ${op.command}`);
        await resume(engine, op, params);
        engine.operations.finish(op.id, 'success');
        console.log(`finished ${op.command} ${op.service} after an interruption`);
      } catch (err) {
        const message = `interrupted by an engine restart and could not be finished: ${(err as Error).message}`;
        if (op.command === 'create-service') await discard(engine, op.service).catch(() => undefined);
        engine.operations.finish(op.id, 'failure', 'interrupted', message);
        console.error(`${op.command} ${op.service}: ${message}`);
      }
    }
  }

  start(): void {
    this.timer = setInterval(() => void this.check(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async check(): Promise<void> {
    const { engine } = this;
    for (const svc of engine.services.list()) {
      if (svc.phase !== 'running' || this.busy.has(svc.name) || engine.operations.pendingFor(svc.name)) continue;
      const root = engine.serviceRoot(svc);
      const pid = engine.runtime.pid(root);
      if (pid !== null) {
        this.lastPid.set(svc.name, pid);
        for (const crash of this.logs.crashes(paths(root).log)) {
          engine.services.notify(svc.name, {
            level: 'warning',
            type: 'service_backend_crashed',
            message: `A PostgreSQL server process (pid ${crash.pid}) was terminated by signal ${crash.signal}; PostgreSQL ended every session and recovered`,
            metadata: { 'backend-pid': crash.pid, signal: crash.signal, 'postmaster-pid': pid },
          });
        }
        if (!bouncerRunning(engine, svc)) {
          if (!this.bouncerDown.has(svc.name)) {
            engine.services.notify(svc.name, { level: 'warning', type: 'service_pgbouncer_exited', message: 'PgBouncer stopped unexpectedly; restarting it', metadata: {} });
          }
          await this.restartBouncer(svc.name, 'was restarted after it stopped unexpectedly');
        }
        continue;
      }
      const last = this.lastPid.get(svc.name) ?? engine.runtime.recordedPid(engine.serviceRoot(svc)) ?? undefined;
      if (!this.pgDown.has(svc.name)) {
        engine.services.notify(svc.name, {
          level: 'warning',
          type: 'service_process_exited',
          message: `PostgreSQL stopped unexpectedly${last ? ` (postmaster pid ${last} exited)` : ''}; restarting it`,
          metadata: { 'postmaster-pid': last ?? null },
        });
      }
      await this.restart(svc.name, 'was restarted after it stopped unexpectedly');
    }
  }

  private async restart(name: string, what: string): Promise<void> {
    const { engine } = this;
    this.busy.add(name);
    try {
      // A killed postmaster leaves backends behind for a moment; retry until its shared memory is free.
      for (let attempt = 1; ; attempt++) {
        const svc = requireService(engine, name);
        try {
          await engine.runtime.start(engine.spec(svc), 30_000);
          break;
        } catch (err) {
          if (attempt >= 5) throw err;
          await new Promise((r) => setTimeout(r, 500 * attempt));
        }
      }
      const root = engine.serviceRoot(requireService(engine, name));
      const pid = engine.runtime.pid(root);
      if (pid) this.lastPid.set(name, pid);
      // the log is watched from here on: a backend crash right after the restart is news, the old postmaster's are not
      this.logs.crashes(paths(root).log);
      this.pgDown.delete(name);
      engine.services.notify(name, { level: 'notice', type: 'service_process_restarted', message: `PostgreSQL ${what}`, metadata: { 'postmaster-pid': pid } });
    } catch (err) {
      if (!this.pgDown.has(name)) {
        engine.services.notify(name, { level: 'warning', type: 'service_process_restart_failed', message: `PostgreSQL could not be started (retrying): ${(err as Error).message}`.slice(0, 1024), metadata: {} });
      }
      this.pgDown.add(name);
    } finally {
      this.busy.delete(name);
    }
  }

  private async restartBouncer(name: string, what: string): Promise<void> {
    const { engine } = this;
    if (!engine.bouncer) return;
    this.busy.add(name);
    try {
      await syncBouncer(engine, name, { start: true });
      this.bouncerDown.delete(name);
      engine.services.notify(name, { level: 'notice', type: 'service_pgbouncer_restarted', message: `PgBouncer ${what}`, metadata: {} });
    } catch (err) {
      if (!this.bouncerDown.has(name)) {
        engine.services.notify(name, { level: 'warning', type: 'service_pgbouncer_restart_failed', message: `PgBouncer could not be started (retrying): ${(err as Error).message}`.slice(0, 1024), metadata: {} });
      }
      this.bouncerDown.add(name);
    } finally {
      this.busy.delete(name);
    }
  }

  /** SIGTERM: let running operations finish, then stop every instance cleanly. */
  async stopAll(): Promise<void> {
    this.stop();
    await Promise.allSettled([...this.engine.inflight]);
    for (const svc of this.engine.services.list()) {
      await stopBouncer(this.engine, svc).catch((err: Error) => console.error(`stopping PgBouncer of ${svc.name}: ${err.message}`));
      await this.engine.runtime.stop(this.engine.spec(svc), 'fast').catch((err: Error) => console.error(`stopping ${svc.name}: ${err.message}`));
    }
  }
}
