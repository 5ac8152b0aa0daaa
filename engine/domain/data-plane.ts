// The data plane (every node's postmaster, every PgBouncer, every failover relay) outlives the
// control plane: an engine stopped, restarted or killed leaves it serving.
// Stopping it is its own, explicit act (`npm stop`, `npm run engine -- stop`).
import { stopBouncer } from './bouncer';
import type { Engine } from './engine';
import { frontDir } from './failover';
import { stopNode } from './nodes';

/** Stops every service's PgBouncer and nodes cleanly (fast shutdown: sessions end, a checkpoint is written). */
export async function stopDataPlane(engine: Engine): Promise<number> {
  let stopped = 0;
  for (const svc of engine.services.list()) {
    await stopBouncer(engine, svc).catch((err: Error) => console.error(`stopping PgBouncer of ${svc.name}: ${err.message}`));
    await engine.front.stop(frontDir(engine, svc)).catch((err: Error) => console.error(`stopping the relay of ${svc.name}: ${err.message}`));
    for (const node of engine.nodes.list(svc.name)) {
      const running = engine.runtime.pid(engine.nodeRoot(svc, node)) !== null;
      await stopNode(engine, svc, node).catch((err: Error) => console.error(`stopping ${node.name}: ${err.message}`));
      if (running) stopped++;
    }
  }
  return stopped;
}
