// Picks a free TCP port for a new instance: claimed by no engine on this host
// (the port registry), not used by another service of this engine, and not
// bound by anything else right now.
import { createServer } from 'node:net';
import type { EngineConfig } from '../config';
import { PortRegistry, defaultRegistryDir } from '../runtime/port-registry';
import type { ServiceStore } from '../store/services';

/** What the port functions need of an engine. */
export interface PortsEngine {
  config: Pick<EngineConfig, 'dataDir' | 'pgHost' | 'pgPortBase'>;
  services: Pick<ServiceStore, 'usedPorts' | 'heldPorts'>;
}

/** A port of this engine's store that another engine claims. */
export interface PortConflict {
  service: string;
  port: number;
  /** The other engine's data directory. */
  owner: string;
}

const registry = (engine: PortsEngine) => new PortRegistry(defaultRegistryDir(), engine.config.dataDir);

function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/**
 * Claims a port for `service` in the host's registry. The claim stands while
 * the service exists (`releasePorts` when it is deleted); `release` gives it
 * back at once, for a create that was refused.
 */
export async function allocatePort(engine: PortsEngine, service: string): Promise<{ port: number; release: () => void }> {
  const { pgHost: host, pgPortBase: base } = engine.config;
  const reg = registry(engine);
  const used = engine.services.usedPorts();
  for (let port = base; port < Math.min(base + 5000, 65536); port++) {
    if (used.has(port) || !reg.claim(port, service)) continue;
    if (await canBind(host, port)) return { port, release: () => reg.release(port) };
    reg.release(port);
  }
  throw new Error(`no free port in ${base}..${base + 5000}`);
}

/** Gives back this engine's claims on `ports` (a deleted service's port and PgBouncer port). */
export function releasePorts(engine: PortsEngine, ports: readonly (number | null | undefined)[]): void {
  const reg = registry(engine);
  for (const port of ports) if (port != null) reg.release(port);
}

/**
 * At engine start, before any request: claims every port of this engine's
 * services again (after a reboot the registry is empty), gives back claims a
 * crash left between allocation and the store, and removes stale claims.
 * Answers the ports another engine claims instead.
 */
export function claimOwnPorts(engine: PortsEngine): PortConflict[] {
  const reg = registry(engine);
  const conflicts: PortConflict[] = [];
  const inStore = new Set<number>();
  for (const { service, port } of engine.services.heldPorts()) {
    inStore.add(port);
    const other = reg.reclaim(port, service);
    if (other) conflicts.push({ service, port, owner: other.owner });
  }
  for (const port of reg.owned()) if (!inStore.has(port)) reg.release(port);
  reg.sweep();
  return conflicts;
}
