// npm run engine -- stop [--data DIR]: stops the engine running on DIR, if
// any, then every database it runs (each PgBouncer, each node's postmaster,
// with a fast shutdown). The next start starts them again.
import { loadConfig } from '../config';
import { stopDataPlane } from '../domain/data-plane';
import { openEngine } from '../domain/engine';
import { stopRunningEngine } from '../runtime/engine-lock';

export async function stopCommand(args: string[]): Promise<number> {
  const config = loadConfig(args);
  const engine = await stopRunningEngine(config.dataDir);
  if (engine !== null) console.log(`stopped the engine (pid ${engine})`);
  const opened = await openEngine(config);
  try {
    const stopped = await stopDataPlane(opened);
    console.log(`stopped ${stopped} PostgreSQL node(s) and their PgBouncers in ${config.dataDir}`);
  } finally {
    opened.db.close();
  }
  return 0;
}
