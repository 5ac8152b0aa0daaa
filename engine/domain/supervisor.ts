// Keeps every node that should run, running: after the engine starts (and
// listens), brings every service to what the store says, a few at a time:
// adopts nodes that survived, starts the others, finishes operations a crash
// cut off, derives every file again. Then, every second, restarts a node's
// postmaster or a service's PgBouncer that dies and puts back directories that
// vanish, recording each event with its reason in the service's notifications.
import { existsSync } from 'node:fs';
import { currentLog } from '../runtime/instance';
import { eachBounded } from '../runtime/bounded';
import { ingestLogs } from './logs';
import { LogWatch } from '../runtime/log-watch';
import { portHolder } from '../runtime/port-holder';
import type { NodeRecord } from '../store/nodes';
import type { OperationRow } from '../store/operations';
import type { ServiceRecord } from '../store/services';
import { ArchiverWatch } from './archiver-watch';
import { ensureBackupDirs } from './backups';
import { bouncerRunning, stopBouncer, syncBouncer } from './bouncer';
import { applyDatabase, dropDatabase } from './databases';
import type { Engine } from './engine';
import { requireService } from './lookup';
import { stopNode } from './nodes';
import { claimOwnPorts } from './ports';
import { bouncerSocket, ensureInstance, pgSocket, reconcileContents, repairDirs } from './reconcile';
import { applyUser, dropUser } from './roles';
import { applyConfig, discard, materializeWithStandbys } from './services';
import { reconcileNodeCount } from './standbys';
import { continueFailover, ensureRelay, failover, rebuildOldMaster, relayMissing, restartHung, standbysAlive } from './failover';
import { failoverWindow, HealthWatch } from './health';
import { materializeReplica, resumePromotion } from './replicas';
import { failInterruptedTasks } from './upgrade-check';
import { resumeUpgrade } from './upgrades';
import { reconcileMigrationFiles, resumeMigration, resumeMigrationStop, startPendingMigrations, watchMigrations } from './migrations';

type Resume = (engine: Engine, op: OperationRow, params: Record<string, string>) => Promise<void>;

const resumeUser: Resume = async (e, op, p) => {
  const user = e.services.user(op.service, p.username ?? '');
  if (user) await applyUser(e, requireService(e, op.service), user);
};

/** How each kind of operation is finished after a crash: by running it again. */
const resumers: Record<string, Resume> = {
  'create-service': async (e, op, p) => {
    if (p['replica-of']) await materializeReplica(e, op.service);
    else await materializeWithStandbys(e, op.service, p['fork-from'] ? { source: p['fork-from'], time: p['recovery-time'] || null } : undefined);
  },
  'create-integration': async (e, op) => {
    await materializeReplica(e, op.service);
  },
  'promote-replica': (e, _op, p) => resumePromotion(e, p.id ?? ''),
  'delete-service': (e, op) => discard(e, op.service),
  'update-service': async (e, op, p) => {
    await applyConfig(e, op.service, p.restart === 'true');
    // standbys the plan adds (a half-built one is built again) or removes
    await reconcileNodeCount(e, op.service);
  },
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
  // finished when its switch was written, rolled back (and failed) otherwise
  upgrade: resumeUpgrade,
  migration: resumeMigration,
  'migration-stop': resumeMigrationStop,
  'create-connection-pool': (e, op) => syncBouncer(e, op.service, { start: true }),
  'update-connection-pool': (e, op) => syncBouncer(e, op.service, { start: true }),
  'delete-connection-pool': (e, op) => syncBouncer(e, op.service, { start: true }),
  // each node was started again on the version it has recorded: as before the maintenance, or updated
  'start-maintenance': async () => {
    throw new Error('the engine stopped during maintenance; every node runs its recorded version, and what was not applied is still pending');
  },
};

/**
 * Operations that stop a master on purpose: while one runs, the service is neither restarted in place nor failed
 * over. Any other operation (a standby being built, a migration) leaves the master supervised.
 */
function pausedByOperation(op: OperationRow | undefined): boolean {
  if (!op) return false;
  if (op.command === 'update-service') return (JSON.parse(op.params) as { restart?: unknown }).restart === true;
  // a promotion or a replica's build stops, swaps and starts the node and PgBouncer itself: a restart meanwhile
  // would start a second PgBouncer on the same socket
  return ['upgrade', 'start-maintenance', 'delete-service', 'promote-replica', 'create-integration'].includes(op.command);
}

/** Services brought up at once after an engine start: enough to overlap their I/O, few enough for 2 cores. */
const RECOVERY_CONCURRENCY = 4;

const bindFailure = /could not bind|Address already in use/i;
/** How long a failover waits for the service's supervision round under way to end (one start attempt, 30 s, at most). */
const ROUND_QUIET_MS = 45_000;

/** Log files are read into logs.db every this many supervision rounds (and whenever the logs endpoint is asked). */
const LOG_INGEST_EVERY = 5;

/** WAL archiving is checked every this many supervision rounds (a connection each, so not every second). */
const ARCHIVE_CHECK_EVERY = 5;
/** Syncing migrations are looked at every few rounds: lag, a lost slot, a stopped subscription. */
const MIGRATION_CHECK_EVERY = 3;

export class Supervisor {
  private timer: NodeJS.Timeout | null = null;
  /** Services the supervisor is acting on (a restart): the next checks leave them alone. */
  private busy = new Set<string>();
  /** By node name. */
  private lastPid = new Map<string, number>();
  private logs = new LogWatch();
  /**
   * Nodes whose PostgreSQL, and services whose PgBouncer, is down and was reported so: a process that
   * keeps failing to start is reported once per outage, not at every check, so it cannot push every
   * other event out of the notifications (the newest 20 are kept).
   */
  private pgDown = new Set<string>();
  private bouncerDown = new Set<string>();

  private ticks = 0;
  /**
   * Services a supervision round is looking at. Rounds may overlap (one slower than the interval, on a loaded
   * machine, while the next starts), so that one slow service never holds the others up; but two rounds in the
   * same service would both see PgBouncer down and both start it.
   */
  private inRound = new Set<string>();
  /** Rounds and failovers under way: `stop` waits for them, so nothing the supervisor starts outlives it. */
  private work = new Set<Promise<void>>();
  private stopped = false;
  private archiver: ArchiverWatch;
  /** A look at syncing migrations is under way (it may wait on an unreachable source): the next one waits for it. */
  private watchingMigrations = false;

  /** Services whose failover (fence, promote, repoint) is running: nothing else touches their nodes meanwhile. */
  private failingOver = new Set<string>();
  readonly health: HealthWatch;

  constructor(private readonly engine: Engine, private readonly intervalMs = 1000) {
    this.archiver = new ArchiverWatch(engine);
    this.health = new HealthWatch(engine, {
      // a read replica's node is in recovery by design: it is restarted in place when it dies, never failed over
      skip: (svc) => this.unwatched(svc) || engine.integrations.replicaOf(svc.name) !== undefined,
      unavailable: (svc, lastOk, reason) => {
        if (!this.stopped) this.track(this.masterUnavailable(svc.name, lastOk, reason));
      },
    });
  }

  /** Not watched, not restarted: being made, removed, stopped on purpose, brought up, or failed over. */
  private unwatched(svc: ServiceRecord): boolean {
    const { engine } = this;
    return svc.phase !== 'running' || engine.recovering.has(svc.name) || this.failingOver.has(svc.name)
      || pausedByOperation(engine.operations.pendingFor(svc.name));
  }

  /**
   * The master answered nothing for the failover window: fail over to a standby when one runs, else (a single
   * node, or no standby able to take over) kill a hung master so that it is restarted in place.
   */
  private async masterUnavailable(name: string, lastOk: Date, reason: string): Promise<void> {
    const { engine } = this;
    const svc = engine.services.get(name);
    if (!svc || this.failingOver.has(name)) return;
    this.failingOver.add(name);
    try {
      // a round under way ends first (a restart in place of this master that would start it under the fencing or
      // into the copy that rebuilds it): it sees the failover and stops
      for (const deadline = Date.now() + ROUND_QUIET_MS; (this.inRound.has(name) || this.busy.has(name)) && Date.now() < deadline;) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const master = engine.nodes.master(name);
      if (!master) return;
      // one more question before acting, in case the master answered just now (a restart in place that finished
      // as the window ended, an engine that stalled)
      const answered = await engine.runtime.probe(engine.spec(svc, master), 'SELECT 1', 1000).then(() => true, () => false);
      if (answered) return;
      if (standbysAlive(engine, svc).length === 0) {
        await restartHung(engine, svc, master, failoverWindow(svc));
        return;
      }
      console.error(`${name}: ${master.name} answered nothing since ${lastOk.toISOString()} (${reason}): failing over`);
      // hung (its postmaster lives) or gone and not restartable
      const why = engine.runtime.pid(engine.nodeRoot(svc, master)) === null ? 'not-running' : 'unreachable';
      await failover(engine, name, lastOk, why);
      this.pgDown.delete(master.name);
    } catch (err) {
      engine.services.notify(name, { level: 'warning', type: 'service_failover_failed', message: `The failover could not be completed (retrying): ${(err as Error).message}`.slice(0, 1024), metadata: {} });
      console.error(`${name}: failover: ${(err as Error).message}`);
    } finally {
      this.failingOver.delete(name);
      this.health.resume(name);
    }
    this.rebuildAfterFailover(name);
  }

  /** The old master rebuilt as a standby, in the background (the new master is supervised meanwhile). */
  private rebuildAfterFailover(name: string): void {
    const { engine } = this;
    const open = engine.failovers.open(name);
    if (open?.phase !== 'rebuilding') return;
    const task = rebuildOldMaster(engine, open.id).catch((err: Error) => {
      engine.services.notify(name, { level: 'warning', type: 'service_standby_rebuild_failed', message: `The old master could not be rebuilt as a standby (retried at the next engine start): ${err.message}`.slice(0, 1024), metadata: { node: open.oldNode } });
    });
    engine.inflight.add(task);
    void task.finally(() => engine.inflight.delete(task));
  }

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
    failInterruptedTasks(engine);
    const interrupted = engine.operations.allPending();
    const opFor = new Map(interrupted.map((o) => [o.service, o]));
    await eachBounded(services, RECOVERY_CONCURRENCY, (svc) => this.recoverService(svc.name, opFor.get(svc.name)));
    // operations whose service is gone (a delete that removed it, then stopped before it said so)
    for (const op of interrupted.filter((o) => !engine.services.get(o.service))) await this.resume(op);
    for (const svc of engine.services.list()) {
      try {
        reconcileMigrationFiles(engine, svc);
      } catch (err) {
        console.error(`${svc.name}: could not put its migration's files right: ${(err as Error).message}`);
      }
    }
    // a migration asked for with a create the engine stopped under
    await startPendingMigrations(engine);
  }

  private async recoverService(name: string, interrupted: OperationRow | undefined): Promise<void> {
    let op = interrupted;
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
      // a failover cut off is finished first: fencing again, then from its recorded step
      const open = engine.failovers.open(name);
      if (open && open.phase !== 'rebuilding') {
        await continueFailover(engine, open.id).catch((err: Error) => console.error(`${name}: could not finish its failover: ${err.message}`));
      }
      // an upgrade cut off puts its nodes right (back, or forward past its switch) before anything starts them
      if (op?.command === 'upgrade') {
        await this.resume(op);
        op = undefined;
      }
      let did: Map<string, string>;
      try {
        did = await ensureInstance(engine, name);
      } catch (err) {
        this.reportStartFailure(svc, engine.nodes.master(name), err as Error);
        if (op) await this.resume(op);
        return;
      }
      for (const node of engine.nodes.list(name)) {
        const root = engine.nodeRoot(svc, node);
        const pid = engine.runtime.pid(root);
        if (pid !== null) this.lastPid.set(node.name, pid);
        this.logs.crashes(currentLog(root), root);
        const what = did.get(node.name) ?? 'left alone';
        if (what === 'started') {
          engine.services.notify(name, {
            level: 'notice',
            type: 'service_process_restarted',
            message: `PostgreSQL (node ${node.name}) was not running when the engine started; started it`,
            metadata: { node: node.name, 'postmaster-pid': pid },
          });
        }
        console.log(`${node.name}: PostgreSQL ${what}`);
      }
      if (op) await this.resume(op);
      await ensureRelay(engine, requireService(engine, name)).catch((err: Error) => console.error(`${name}: could not start the failover relay: ${err.message}`));
      this.rebuildAfterFailover(name);
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
    this.stopped = false;
    this.health.start();
    this.timer = setInterval(() => {
      if (!this.stopped) this.track(this.check());
    }, this.intervalMs);
    this.timer.unref();
  }

  /**
   * No new round or failover starts; resolves once those under way have ended. Without the wait, a round that
   * saw PgBouncer down just before the data plane was stopped would start it again after.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.health.stop();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.work]);
  }

  private track(work: Promise<void>): void {
    // a round cut off by the engine stopping under it (its store closed) is logged, not an unhandled rejection
    const task = work.catch((err: Error) => console.error(`supervisor: ${err.message}`));
    this.work.add(task);
    void task.finally(() => this.work.delete(task));
  }

  private async check(): Promise<void> {
    const { engine } = this;
    this.ticks++;
    if (this.ticks % MIGRATION_CHECK_EVERY === 0 && !this.watchingMigrations) {
      this.watchingMigrations = true;
      void watchMigrations(engine)
        .catch((err: Error) => console.error(`supervisor: following migrations: ${err.message}`))
        .finally(() => { this.watchingMigrations = false; });
    }
    if (this.ticks % LOG_INGEST_EVERY === 0) {
      // every service, busy or not: its log files stay small, and the logs endpoint has little to read when asked
      for (const svc of engine.services.list()) {
        try {
          ingestLogs(engine, svc);
        } catch (err) {
          console.error(`${svc.name}: reading its logs: ${(err as Error).message}`);
        }
      }
    }
    for (const svc of engine.services.list()) {
      if (this.stopped) return;
      if (this.busy.has(svc.name) || this.inRound.has(svc.name) || this.unwatched(svc)) continue;
      this.inRound.add(svc.name);
      try {
        await this.checkService(svc);
      } finally {
        this.inRound.delete(svc.name);
      }
    }
  }

  /** One service in a supervision round: its directories, nodes, relay, archiving and PgBouncer. */
  private async checkService(svc: ServiceRecord): Promise<void> {
    const { engine } = this;
    try {
      repairDirs(engine, svc);
      ensureBackupDirs(engine, svc);
    } catch (err) {
      console.error(`${svc.name}: could not repair its directories: ${(err as Error).message}`);
    }
    // a standby being built or removed is its operation's business
    for (const node of engine.nodes.list(svc.name).filter((n) => n.role === 'master' || n.state === 'running')) await this.checkNode(svc, node);
    const master = engine.nodes.master(svc.name);
    if (!master || engine.runtime.pid(engine.nodeRoot(svc, master)) === null) return;
    if (relayMissing(engine, svc)) {
      // the record as it is now: an ip-filter changed since this round began must not be put back
      await ensureRelay(engine, requireService(engine, svc.name)).catch((err: Error) => console.error(`${svc.name}: could not start the failover relay: ${err.message}`));
    }
    if (this.ticks % ARCHIVE_CHECK_EVERY === 0) await this.archiver.check(svc).catch(() => undefined);
    if (!engine.bouncer) return;
    const admin = bouncerSocket(engine, svc);
    if (bouncerRunning(engine, svc) && admin && !existsSync(admin)) {
      // its admin socket went with the run directory: only a restart makes it again
      await stopBouncer(engine, svc);
    }
    if (!bouncerRunning(engine, svc) || this.bouncerDown.has(svc.name)) {
      if (!this.bouncerDown.has(svc.name)) {
        engine.services.notify(svc.name, { level: 'warning', type: 'service_pgbouncer_exited', message: 'PgBouncer stopped unexpectedly; restarting it', metadata: {} });
      }
      await this.restartBouncer(svc.name, 'was restarted after it stopped unexpectedly');
    }
  }

  private async checkNode(svc: ServiceRecord, node: NodeRecord): Promise<void> {
    const { engine } = this;
    const root = engine.nodeRoot(svc, node);
    const pid = engine.runtime.pid(root);
    // the socket as the store names it now: an operation that moved the node to another port since the round began
    // (maintenance moving a master back onto the service's port) has taken it over
    if (pid !== null && !existsSync(pgSocket(engine, svc, node)) && !this.superseded(svc, node)) {
      engine.services.notify(svc.name, {
        level: 'warning',
        type: 'service_socket_lost',
        message: `PostgreSQL's socket (node ${node.name}) was removed; the engine made its directory again and restarts PostgreSQL and PgBouncer to recreate their sockets`,
        metadata: { node: node.name, 'postmaster-pid': pid },
      });
      await this.restartNode(svc, node, 'was restarted to recreate its socket', true);
      return;
    }
    if (pid !== null) {
      this.lastPid.set(node.name, pid);
      for (const crash of this.logs.crashes(currentLog(root), root)) {
        engine.services.notify(svc.name, {
          level: 'warning',
          type: 'service_backend_crashed',
          message: `A PostgreSQL server process (pid ${crash.pid}, node ${node.name}) was terminated by signal ${crash.signal}; PostgreSQL ended every session and recovered`,
          metadata: { node: node.name, 'backend-pid': crash.pid, signal: crash.signal, 'postmaster-pid': pid },
        });
      }
      return;
    }
    const last = this.lastPid.get(node.name) ?? engine.runtime.recordedPid(root) ?? undefined;
    if (this.superseded(svc, node)) return;
    if (!this.pgDown.has(node.name)) {
      engine.services.notify(svc.name, {
        level: 'warning',
        type: 'service_process_exited',
        message: `PostgreSQL (node ${node.name}) stopped unexpectedly${last ? ` (postmaster pid ${last} exited)` : ''}; restarting it`,
        metadata: { node: node.name, 'postmaster-pid': last ?? null },
      });
    }
    await this.restartNode(svc, node, 'was restarted after it stopped unexpectedly');
  }

  /** A restart this round planned that something else took over since: a failover, an operation, a new role, the engine stopping. */
  private superseded(svc: ServiceRecord, node: NodeRecord): boolean {
    const now = this.engine.services.get(svc.name);
    const stored = this.engine.nodes.get(svc.name, node.name);
    return this.stopped || !now || this.unwatched(now) || stored?.role !== node.role || stored.port !== node.port;
  }

  /** Starts a node's PostgreSQL again (stopping it first when `stopFirst`, with PgBouncer, which follows its socket). */
  private async restartNode(svc: ServiceRecord, node: NodeRecord, what: string, stopFirst = false): Promise<void> {
    const { engine } = this;
    this.busy.add(svc.name);
    // until the start succeeds (a postmaster that cannot bind its port lives a moment before it exits), not running
    if (node.role === 'master') engine.restarting.add(svc.name);
    try {
      if (this.superseded(svc, node)) return;
      if (stopFirst) {
        await stopBouncer(engine, svc);
        await stopNode(engine, svc, node);
      }
      // A killed postmaster is a zombie until the host's init reaps it (about a second under some inits), and
      // PostgreSQL refuses to start while the pid in its lock file exists: wait for it to be gone first (up to 5 s),
      // rather than have the start refused and noticed only after waitReady's grace.
      const dead = engine.runtime.recordedPid(engine.nodeRoot(svc, node));
      for (const deadline = Date.now() + 5000; dead !== null && existsSync(`/proc/${dead}`) && Date.now() < deadline;) {
        await new Promise((r) => setTimeout(r, 50));
      }
      // A killed postmaster leaves backends behind for a moment; retry until its shared memory is free.
      for (let attempt = 1; ; attempt++) {
        if (this.superseded(svc, node)) return;
        try {
          const spec = engine.spec(requireService(engine, svc.name), engine.nodes.get(svc.name, node.name) ?? node);
          engine.runtime.writeConfig(spec);
          await engine.runtime.start(spec, 30_000);
          break;
        } catch (err) {
          // a port another program took will not come free by waiting a second
          if (attempt >= 5 || bindFailure.test((err as Error).message)) throw err;
          await new Promise((r) => setTimeout(r, 500 * attempt));
        }
      }
      const root = engine.nodeRoot(svc, node);
      const pid = engine.runtime.pid(root);
      if (pid) this.lastPid.set(node.name, pid);
      // the log is watched from here on: a backend crash right after the restart is news, the old postmaster's are not
      this.logs.crashes(currentLog(root), root);
      this.pgDown.delete(node.name);
      // a master restarted in place and answering is healthy: the failover window starts again
      if (node.role === 'master') this.health.resume(svc.name);
      engine.services.notify(svc.name, {
        level: 'notice',
        type: 'service_process_restarted',
        message: `PostgreSQL (node ${node.name}) ${what}`,
        metadata: { node: node.name, 'postmaster-pid': pid },
      });
      if (engine.bouncer && (stopFirst || !bouncerRunning(engine, svc))) this.bouncerDown.add(svc.name);
    } catch (err) {
      this.reportStartFailure(svc, node, err as Error);
    } finally {
      this.busy.delete(svc.name);
      engine.restarting.delete(svc.name);
    }
  }

  /** Once per outage: why a node's PostgreSQL could not be started. A port held by another program is named as such. */
  private reportStartFailure(svc: ServiceRecord, node: NodeRecord | undefined, err: Error): void {
    const { engine } = this;
    const key = node?.name ?? svc.name;
    if (!this.pgDown.has(key)) {
      const taken = node && bindFailure.test(err.message);
      engine.services.notify(svc.name, taken
        ? {
          level: 'warning',
          type: 'service_port_taken',
          message: `PostgreSQL (node ${node.name}) cannot listen on its port ${node.port}: another program holds it${holderText(engine.config.pgHost, node.port)}. The service stays down rather than let its address reach a stranger; retrying`.slice(0, 1024),
          metadata: { node: node.name, port: node.port },
        }
        : { level: 'warning', type: 'service_process_restart_failed', message: `PostgreSQL${node ? ` (node ${node.name})` : ''} could not be started (retrying): ${err.message}`.slice(0, 1024), metadata: node ? { node: node.name } : {} });
    }
    this.pgDown.add(key);
  }

  private async restartBouncer(name: string, what: string): Promise<void> {
    const { engine } = this;
    if (!engine.bouncer || this.busy.has(name)) return;
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
}

function holderText(host: string, port: number): string {
  const holder = portHolder(host, port);
  return holder ? ` (${holder})` : '';
}
