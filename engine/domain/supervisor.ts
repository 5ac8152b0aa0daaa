// Keeps every service that should run, running: after the engine starts (and
// listens), brings every service to what the store says, a few at a time:
// adopts instances that survived, starts the others, finishes operations a
// crash cut off, derives every file again. Then, every second, restarts a
// postmaster or PgBouncer that dies and puts back directories that vanish,
// recording each event with its reason in the service's notifications.
import { existsSync } from 'node:fs';
import type { Engine } from './engine';
import { applyDatabase, dropDatabase } from './databases';
import { applyConfig, discard, materialize, requireService } from './services';
import { bouncerRunning, stopBouncer, syncBouncer } from './pools';
import { claimOwnPorts } from './ports';
import { ensureInstance, pgSocket, reconcileContents, repairDirs } from './reconcile';
import { applyUser, dropUser } from './roles';
import { paths } from '../runtime/instance';
import { LogWatch } from '../runtime/log-watch';
import { portHolder } from '../runtime/port-holder';
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

/** Services brought up at once after an engine start: enough to overlap their I/O, few enough for 2 cores. */
const RECOVERY_CONCURRENCY = 4;

async function eachBounded<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

const bindFailure = /could not bind|Address already in use/i;

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

  /**
   * Brings every service to what the store says, RECOVERY_CONCURRENCY at a time; each shows
   * `rebuilding` and refuses changes (busy) until it is done. Meant to run once the API listens.
   */
  async recover(): Promise<void> {
    const { engine } = this;
    const services = engine.services.list();
    // synchronously, before the first await: no request can slip in between
    for (const svc of services) engine.recovering.add(svc.name);
    // after a reboot the host's port registry is empty: this engine's ports are claimed again, before any create
    for (const c of claimOwnPorts(engine)) {
      engine.services.notify(c.service, {
        level: 'warning',
        type: 'service_port_conflict',
        message: `port ${c.port} of this service is claimed by another engine on this host (data directory ${c.owner})`,
        metadata: { port: c.port },
      });
    }
    const interrupted = engine.operations.allPending();
    const opFor = new Map(interrupted.map((o) => [o.service, o]));
    await eachBounded(services, RECOVERY_CONCURRENCY, (svc) => this.recoverService(svc.name, opFor.get(svc.name)));
    // operations whose service is gone (a delete that removed it, then stopped before it said so)
    for (const op of interrupted.filter((o) => !engine.services.get(o.service))) await this.resume(op);
  }

  private async recoverService(name: string, op: OperationRow | undefined): Promise<void> {
    const { engine } = this;
    try {
      const svc = engine.services.get(name);
      if (!svc) return;
      // a create or a delete cut off does everything itself
      if (svc.phase === 'creating' || svc.phase === 'deleting' || op?.command === 'create-service' || op?.command === 'delete-service') {
        if (op) await this.resume(op);
        else if (svc.phase === 'deleting') await discard(engine, name);
        return;
      }
      let did: string;
      try {
        did = await ensureInstance(engine, name);
      } catch (err) {
        this.reportStartFailure(name, err as Error);
        if (op) await this.resume(op);
        return;
      }
      const pid = engine.runtime.pid(engine.serviceRoot(svc));
      if (pid !== null) this.lastPid.set(name, pid);
      this.logs.crashes(paths(engine.serviceRoot(svc)).log);
      if (did === 'started') {
        engine.services.notify(name, { level: 'notice', type: 'service_process_restarted', message: 'PostgreSQL was not running when the engine started; started it', metadata: { 'postmaster-pid': pid } });
      }
      console.log(`${name}: PostgreSQL ${did}`);
      if (op) await this.resume(op);
      await reconcileContents(engine, name).catch((err: Error) => {
        this.bouncerDown.add(name);
        engine.services.notify(name, { level: 'warning', type: 'service_reconcile_failed', message: `could not bring users, databases or PgBouncer back to what is stored (retrying): ${err.message}`.slice(0, 1024), metadata: {} });
      });
    } finally {
      engine.recovering.delete(name);
    }
  }

  /** Finishes an operation a crash cut off, by running it again. */
  private async resume(op: OperationRow): Promise<void> {
    const { engine } = this;
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
      if (svc.phase !== 'running' || this.busy.has(svc.name) || engine.recovering.has(svc.name) || engine.operations.pendingFor(svc.name)) continue;
      const root = engine.serviceRoot(svc);
      let runLost = false;
      try {
        runLost = repairDirs(engine, svc);
      } catch (err) {
        console.error(`${svc.name}: could not repair its directories: ${(err as Error).message}`);
      }
      const pid = engine.runtime.pid(root);
      if (pid !== null && (runLost || !existsSync(pgSocket(engine, svc)))) {
        engine.services.notify(svc.name, {
          level: 'warning',
          type: 'service_socket_lost',
          message: "PostgreSQL's socket directory was removed; the engine made it again and restarts PostgreSQL and PgBouncer to recreate their sockets",
          metadata: { 'postmaster-pid': pid },
        });
        await this.restart(svc.name, 'was restarted to recreate its socket', true);
        continue;
      }
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
        if (!bouncerRunning(engine, svc) || this.bouncerDown.has(svc.name)) {
          if (!this.bouncerDown.has(svc.name)) {
            engine.services.notify(svc.name, { level: 'warning', type: 'service_pgbouncer_exited', message: 'PgBouncer stopped unexpectedly; restarting it', metadata: {} });
          }
          await this.restartBouncer(svc.name, 'was restarted after it stopped unexpectedly');
        }
        continue;
      }
      const last = this.lastPid.get(svc.name) ?? engine.runtime.recordedPid(root) ?? undefined;
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

  /** Starts PostgreSQL again (stopping it first when `stopFirst`), then PgBouncer, which follows its socket. */
  private async restart(name: string, what: string, stopFirst = false): Promise<void> {
    const { engine } = this;
    this.busy.add(name);
    try {
      if (stopFirst) {
        const svc = requireService(engine, name);
        await stopBouncer(engine, svc);
        await engine.runtime.stop(engine.spec(svc), 'fast');
      }
      // A killed postmaster leaves backends behind for a moment; retry until its shared memory is free.
      for (let attempt = 1; ; attempt++) {
        const svc = requireService(engine, name);
        try {
          const spec = engine.spec(svc);
          engine.runtime.writeConfig(spec);
          await engine.runtime.start(spec, 30_000);
          break;
        } catch (err) {
          // a port another program took will not come free by waiting a second
          if (attempt >= 5 || bindFailure.test((err as Error).message)) throw err;
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
      if (engine.bouncer && (stopFirst || !bouncerRunning(engine, requireService(engine, name)))) this.bouncerDown.add(name);
    } catch (err) {
      this.reportStartFailure(name, err as Error);
    } finally {
      this.busy.delete(name);
    }
  }

  /** Once per outage: why PostgreSQL could not be started. A port held by another program is named as such. */
  private reportStartFailure(name: string, err: Error): void {
    const { engine } = this;
    if (!this.pgDown.has(name)) {
      const svc = requireService(engine, name);
      const taken = bindFailure.test(err.message);
      engine.services.notify(name, taken
        ? {
          level: 'warning',
          type: 'service_port_taken',
          message: `PostgreSQL cannot listen on its port ${svc.port}: another program holds it${holderText(engine.config.pgHost, svc.port)}. The service stays down rather than let its address reach a stranger; retrying`.slice(0, 1024),
          metadata: { port: svc.port },
        }
        : { level: 'warning', type: 'service_process_restart_failed', message: `PostgreSQL could not be started (retrying): ${err.message}`.slice(0, 1024), metadata: {} });
    }
    this.pgDown.add(name);
  }

  private async restartBouncer(name: string, what: string): Promise<void> {
    const { engine } = this;
    if (!engine.bouncer) return;
    this.busy.add(name);
    try {
      await reconcileContents(engine, name);
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

function holderText(host: string, port: number): string {
  const holder = portHolder(host, port);
  return holder ? ` (${holder})` : '';
}
