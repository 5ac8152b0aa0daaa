// Maintenance: the pending updates (maintenance-updates.ts) applied, on demand
// (PUT .../maintenance/start) or in the service's window (a scheduled job).
// A node moves to a new minor by a fast restart on the new binaries; when
// they do not come up it goes back to the ones it ran, and the update fails
// with the reason. Its recorded version changes only once it runs the new one.
import { performance } from 'node:perf_hooks';
import { ApiError } from '@/lib/api-v2/errors';
import type { Operation } from '@/lib/schemas/operation';
import type { NodeRecord } from '../store/nodes';
import type { ServiceRecord } from '../store/services';
import { stopBouncer, syncBouncer } from './bouncer';
import type { Engine } from './engine';
import { requireService } from './lookup';
import { forgetProbes, pendingUpdates, type PendingUpdate } from './maintenance-updates';
import { NEVER, nextWindow, windowAt } from './maintenance-window';
import { nodeCertificate, stopNode } from './nodes';
import { runLater, runNow, withOperation } from './operations';
import { frontDir, repointFollowers } from './failover';
import { releasePorts } from './ports';
import type { JobKind } from './scheduler';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Stops the node (fast) and starts it on `to`; answers how long writes were refused, and how. Throws when it did not start. */
async function restartOn(engine: Engine, svc: ServiceRecord, node: NodeRecord, to = engine.spec(svc, node).binaries): Promise<string> {
  const spec = { ...engine.spec(svc, node), binaries: to };
  // a checkpoint while writes still go on leaves the shutdown checkpoint little to write
  await engine.runtime.query(spec, 'CHECKPOINT').catch(() => undefined);
  const t0 = performance.now();
  await stopNode(engine, svc, node, 'fast');
  const stopped = performance.now();
  engine.runtime.writeConfig(spec);
  await engine.runtime.start(spec, 60_000);
  const ready = performance.now();
  return `writes refused for ${seconds(ready - t0)} (stopped in ${seconds(stopped - t0)}, ready ${seconds(ready - stopped)} later)`;
}

/** A node on the installed minor of its major; back on the binaries it ran when those do not start. */
async function moveToMinor(engine: Engine, svc: ServiceRecord, node: NodeRecord, u: PendingUpdate): Promise<string> {
  const to = engine.binaries.get(node.major);
  if (!to) throw new ApiError('unavailable', `PostgreSQL ${node.major} is no longer installed`);
  const before = engine.spec(svc, node);
  let refused: string;
  try {
    refused = await restartOn(engine, svc, node, to);
  } catch (err) {
    // PostgreSQL's own words when it said something (the rest is the log's tail)
    const said = (err as Error).message;
    const reason = said.includes('FATAL:') ? (said.slice(said.lastIndexOf('FATAL:')).split(' | ')[0] ?? said).replace(/\s+/g, ' ').trim() : said;
    // whatever the new binaries left running goes (by signal: their own pg_ctl may be what is broken)
    await engine.runtime.kill(before.root);
    try {
      await engine.runtime.start(before, 60_000);
    } catch (again) {
      throw new ApiError('fault', `PostgreSQL ${to.version} did not start on node ${node.name} (${reason}), nor did ${before.binaries.version} again: ${(again as Error).message}`);
    }
    throw new ApiError('fault', `PostgreSQL ${to.version} did not start on node ${node.name} (${reason}); rolled back: it runs PostgreSQL ${u.from ?? before.binaries.version} again`);
  }
  engine.nodes.update(svc.name, node.name, { version: to.version });
  return `PostgreSQL ${u.from ?? before.binaries.version} → ${to.version} (node ${node.name}): restarted, ${refused}`;
}

async function renewCertificate(engine: Engine, svc: ServiceRecord, node: NodeRecord): Promise<string> {
  const spec = engine.spec(svc, node);
  const tls = await nodeCertificate(engine);
  engine.runtime.writeConfig(spec, tls);
  // PostgreSQL rereads its certificate on reload; PgBouncer (which uses the master's) is reloaded after
  if (engine.runtime.pid(spec.root) !== null) await engine.runtime.reload(spec);
  return `a new TLS certificate for node ${node.name}, reloaded without a restart`;
}

async function restartBouncer(engine: Engine, svc: ServiceRecord, u: PendingUpdate): Promise<string> {
  await stopBouncer(engine, svc);
  await syncBouncer(engine, svc.name, { start: true });
  const what = u.from === u.to ? `PgBouncer ${u.to}: restarted on its new build` : `PgBouncer ${u.from} → ${u.to}: restarted on the new binary`;
  return `${what} ${engine.bouncer?.bin ?? ''}`.trim();
}

/**
 * The master back on the service's own port after a failover: stopped (fast), its node port set to the service's
 * (the relay, which held it, stops first), started; the standbys follow it there, PgBouncer too.
 */
async function moveMasterBack(engine: Engine, name: string): Promise<string> {
  const svc = requireService(engine, name);
  const master = engine.nodes.master(name);
  if (!master || master.port === svc.port) return 'the master already runs on the service\'s port';
  const spec = engine.spec(svc, master);
  await engine.runtime.query(spec, 'CHECKPOINT').catch(() => undefined);
  const t0 = performance.now();
  await engine.front.stop(frontDir(engine, svc));
  await stopNode(engine, svc, master, 'fast');
  engine.nodes.update(name, master.name, { port: svc.port });
  releasePorts(engine, [master.port]);
  const moved = requireService(engine, name);
  const newSpec = engine.spec(moved, engine.nodes.get(name, master.name) ?? master);
  engine.runtime.writeConfig(newSpec);
  await engine.runtime.start(newSpec, 60_000);
  const ready = performance.now();
  // its standbys and read replicas follow it onto that port
  await repointFollowers(engine, name);
  await syncBouncer(engine, name, { start: true });
  return `the master ${master.name} moved back onto the service's port ${svc.port} from ${master.port} behind the failover relay, which stopped; writes refused for ${seconds(ready - t0)}`;
}

/** Applies `updates`; answers what it did (the operation's message). */
async function applyUpdates(engine: Engine, name: string, updates: PendingUpdate[]): Promise<string> {
  const svc = requireService(engine, name);
  const done: string[] = [];
  try {
    // One node at a time, the master last. Today a service has one node, its master; with standbys (high
    // availability) this order is where each standby is updated in turn and the master follows, after a switchover.
    const nodes = engine.nodes.list(name).sort((a, b) => Number(a.role === 'master') - Number(b.role === 'master'));
    for (const node of nodes) {
      const mine = updates.filter((u) => u.node === node.name);
      if (mine.some((u) => u.kind === 'certificate')) done.push(await renewCertificate(engine, svc, node));
      const minor = mine.find((u) => u.kind === 'minor');
      if (minor) done.push(await moveToMinor(engine, svc, node, minor));
      else if (mine.some((u) => u.kind === 'restart')) {
        done.push(`node ${node.name} restarted to apply its settings, ${await restartOn(engine, svc, node)}`);
      }
    }
    if (updates.some((u) => u.kind === 'front')) done.push(await moveMasterBack(engine, name));
    const bouncer = updates.find((u) => u.kind === 'pgbouncer');
    if (bouncer) done.push(await restartBouncer(engine, svc, bouncer));
    else if (updates.some((u) => u.kind === 'certificate')) await syncBouncer(engine, name);
  } catch (err) {
    const message = `Maintenance failed: ${(err as Error).message}${done.length ? ` (applied before: ${done.join('; ')})` : ''}`;
    engine.services.notify(name, { level: 'warning', type: 'service_maintenance_failed', message: message.slice(0, 1024), metadata: {} });
    throw err instanceof ApiError ? new ApiError(err.reason, message) : err;
  } finally {
    forgetProbes();
  }
  const message = done.join('; ');
  engine.services.notify(name, { level: 'notice', type: 'service_maintenance_applied', message: `Maintenance: ${message}`.slice(0, 1024), metadata: {} });
  return message;
}

/**
 * Applies what is pending as an operation: answered at once when nothing is (success, saying so), else
 * pending and finished in the background, or (`wait`, for the window job) finished before answering.
 */
export async function startMaintenance(engine: Engine, name: string, opts: { wait?: boolean } = {}): Promise<Operation> {
  const svc = requireService(engine, name);
  if (svc.phase === 'creating' || svc.phase === 'deleting') throw new ApiError('busy', `service ${name} is ${svc.phase === 'creating' ? 'being created' : 'being deleted'}`);
  return withOperation(engine, name, 'start-maintenance', {}, async (op) => {
    forgetProbes();
    const updates = await pendingUpdates(engine, svc);
    if (!updates.length) return runNow(engine, op, async () => 'nothing was pending: every node runs the installed minor, certificates are fresh');
    return opts.wait ? runNow(engine, op, () => applyUpdates(engine, name, updates)) : runLater(engine, op, () => applyUpdates(engine, name, updates));
  });
}

export const maintenanceJobName = (service: string) => `maintenance:${service}`;

/** Makes (or moves) the service's maintenance job to its next window; `never` puts it out of reach. */
export function scheduleMaintenance(engine: Engine, svc: ServiceRecord): void {
  const due = nextWindow(new Date(), svc.maintenance) ?? NEVER;
  engine.jobs.ensure(maintenanceJobName(svc.name), 'maintenance', svc.name, due);
  engine.jobs.reschedule(maintenanceJobName(svc.name), due);
}

/** The service's window: what is pending is applied then (a busy service is tried again a few minutes later). */
export const maintenanceJob: JobKind = {
  perService: true,
  next: (after, engine, job) => {
    const svc = job.service ? engine.services.get(job.service) : undefined;
    return (svc && nextWindow(after, svc.maintenance)) ?? NEVER;
  },
  run: async (engine, job, now = new Date()) => {
    const svc = requireService(engine, job.service ?? '');
    if (!windowAt(now, svc.maintenance)) return `outside the maintenance window (${svc.maintenance.dow} ${svc.maintenance.time} UTC): nothing done`;
    if (!(await pendingUpdates(engine, svc)).length) return 'nothing to apply';
    try {
      const op = await startMaintenance(engine, svc.name, { wait: true });
      return op.message ?? 'applied';
    } catch (err) {
      // busy with another operation: the scheduler tries again shortly, within the window
      if (err instanceof ApiError && err.reason === 'busy') throw err;
      return `failed, tried again at the next window: ${(err as Error).message}`;
    }
  },
};
