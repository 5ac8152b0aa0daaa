// What maintenance would apply to a service, found from real conditions: a
// newer minor of a node's major installed than the one its server runs, a
// server certificate close to its expiry, parameters waiting for a restart,
// a PgBouncer binary newer (or rebuilt) than the one running. The servers are
// asked at most every PROBE_MS per process, never for the list of services.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { minorVersion } from '../runtime/binaries';
import { paths, type InstanceSpec } from '../runtime/instance';
import { versionAtLeast } from '../runtime/pgbouncer-binary';
import { certificateExpiry } from '../runtime/tls';
import type { ServiceRecord } from '../store/services';
import type { Engine } from './engine';
import { daysLater, nextWindow } from './maintenance-window';

export interface PendingUpdate {
  kind: 'minor' | 'restart' | 'certificate' | 'pgbouncer' | 'front';
  /** The node it concerns (PgBouncer is the service's). */
  node?: string;
  description: string;
  /** What it moves from and to: versions, or PgBouncer binaries. */
  from?: string;
  to?: string;
  /** A hard limit (a certificate's expiry); others get DEADLINE_DAYS from when they were first seen. */
  expires?: Date;
}

/** As the API shows it (a type, not an interface: it is a plain record to the service's schema). */
export type UpdateView = {
  description: string;
  deadline: string;
  'start-after': string;
  'start-at'?: string;
};

/** A server certificate this close to its expiry is renewed at the next window. */
export const CERT_RENEW_DAYS = 30;
const DEADLINE_DAYS = 30;
const PROBE_MS = 30_000;

interface Probe { pid: number; at: number; version: string; pendingRestart: string[] }
/** By node directory, and <service directory>#pgbouncer. */
const probes = new Map<string, Probe>();

/** The next GET asks the servers again (after maintenance changed them). */
export function forgetProbes(): void {
  probes.clear();
}

/** The running server's version and parameters waiting for a restart; null when it does not run or answer. */
async function probeNode(engine: Engine, spec: InstanceSpec): Promise<Probe | null> {
  const pid = engine.runtime.pid(spec.root);
  if (pid === null) return null;
  const cached = probes.get(spec.root);
  if (cached?.pid === pid && Date.now() - cached.at < PROBE_MS) return cached;
  try {
    const [r] = await engine.runtime.query<{ version: string; pending: string[] }>(spec,
      "SELECT current_setting('server_version') AS version, ARRAY(SELECT name FROM pg_settings WHERE pending_restart ORDER BY name)::text[] AS pending");
    const probe = { pid, at: Date.now(), version: minorVersion(r?.version ?? '') ?? '', pendingRestart: r?.pending ?? [] };
    probes.set(spec.root, probe);
    return probe;
  } catch {
    return null;
  }
}

/** The running PgBouncer's version (its admin console's SHOW VERSION), once per process. */
async function bouncerVersion(engine: Engine, svc: ServiceRecord, pid: number): Promise<string | null> {
  const root = engine.serviceRoot(svc);
  // the first node lives in the service's directory too
  const key = `${root}#pgbouncer`;
  const cached = probes.get(key);
  if (cached?.pid === pid) return cached.version;
  const rt = engine.bouncer;
  const master = engine.nodes.master(svc.name);
  if (!rt || svc.pgbouncerPort === null || !master) return null;
  try {
    const [row] = await rt.admin<{ version: string }>({ root, port: svc.pgbouncerPort, password: engine.spec(svc, master).password }, 'SHOW VERSION');
    const version = /(\d+\.\d+(?:\.\d+)?)/.exec(row?.version ?? '')?.[1];
    if (!version) return null;
    probes.set(key, { pid, at: Date.now(), version, pendingRestart: [] });
    return version;
  } catch {
    return null;
  }
}

function certificateExpiresAt(spec: InstanceSpec): Date | null {
  try {
    return certificateExpiry(readFileSync(join(paths(spec.root).data, 'server.crt'), 'utf8'));
  } catch {
    return null;
  }
}

const newer = (a: string, b: string) => !versionAtLeast(b, a);

/** The updates maintenance would apply to the service now, node by node, PgBouncer last. */
export async function pendingUpdates(engine: Engine, svc: ServiceRecord, now = new Date()): Promise<PendingUpdate[]> {
  const found: PendingUpdate[] = [];
  // a service being made or removed has nothing to update (its OS user may be gone already), nor has a node an
  // upgrade is building or removing
  if (svc.phase === 'creating' || svc.phase === 'deleting') return found;
  for (const node of engine.nodes.list(svc.name)) {
    if (node.state === 'setting_up_vm' || node.state === 'leaving') continue;
    const spec = engine.spec(svc, node);
    const installed = engine.binaries.get(node.major);
    const probe = await probeNode(engine, spec);
    const running = probe?.version || node.version;
    if (installed && running && newer(installed.version, running)) {
      found.push({
        kind: 'minor', node: node.name, from: running, to: installed.version,
        description: `PostgreSQL ${running} → ${installed.version} on node ${node.name}: restarted on the new binaries (writes refused for a few seconds)`,
      });
    } else if (probe?.pendingRestart.length) {
      found.push({
        kind: 'restart', node: node.name,
        description: `Node ${node.name} restarts to apply ${probe.pendingRestart.join(', ')} (writes refused for a few seconds)`,
      });
    }
    const expires = certificateExpiresAt(spec);
    if (expires && expires < daysLater(now, CERT_RENEW_DAYS)) {
      found.push({
        kind: 'certificate', node: node.name, expires,
        description: `The TLS certificate of node ${node.name} expires at ${expires.toISOString()}: a new one is issued and reloaded, no restart`,
      });
    }
  }
  // after a failover the master runs on its own port behind the relay: at the window it moves back onto the
  // service's port, and the relay (a hop for every packet) goes
  const master = engine.nodes.master(svc.name);
  if (master && svc.port !== 0 && master.port !== svc.port && master.state === 'running') {
    found.push({
      kind: 'front', node: master.name, from: String(master.port), to: String(svc.port),
      description: `The master ${master.name} has run behind the failover relay since the last failover; it restarts on the service's own port ${svc.port} and the relay stops (writes refused for a few seconds)`,
    });
  }
  const running = engine.bouncer?.running(engine.serviceRoot(svc));
  if (engine.bouncer && running) {
    const version = await bouncerVersion(engine, svc, running.pid);
    const installed = engine.bouncer.version;
    if (version && version !== installed) {
      found.push({ kind: 'pgbouncer', from: version, to: installed, description: `PgBouncer ${version} → ${installed}: restarted on the new binary` });
    } else if (version && running.exe !== engine.bouncer.bin) {
      // the same version rebuilt (a distribution's security fix), or a binary replaced under the running one
      found.push({
        kind: 'pgbouncer', from: version, to: installed,
        description: `PgBouncer ${version}: a new build is installed (${engine.bouncer.bin}; the running one is ${running.exe}); restarted on it`,
      });
    }
  }
  return found;
}

/** The key an update is remembered by: the same update found again is the same key. */
const updateKey = (u: PendingUpdate): string => [u.kind, u.node ?? '', u.to ?? ''].join('|');

/** An update as the API shows it: when it was first seen (kept in the store, so restarts keep it), the next window, the deadline. */
export function updateView(svc: ServiceRecord, u: PendingUpdate, seen: Date, now = new Date()): UpdateView {
  const at = nextWindow(now, svc.maintenance);
  return {
    description: u.description,
    deadline: (u.expires ?? daysLater(seen, DEADLINE_DAYS)).toISOString(),
    'start-after': seen.toISOString(),
    ...(at ? { 'start-at': at.toISOString() } : {}),
  };
}

/** GET /v2/dbaas-postgres/{name}'s maintenance.updates. */
export async function updatesView(engine: Engine, svc: ServiceRecord): Promise<UpdateView[]> {
  const now = new Date();
  const updates = await pendingUpdates(engine, svc, now);
  // a service removed meanwhile has no row to remember them by
  if (!engine.services.get(svc.name)) return [];
  const seen = engine.services.updatesSeen(svc.name, updates.map(updateKey), now);
  return updates.map((u) => updateView(svc, u, seen.get(updateKey(u)) ?? now, now));
}
