// Where a service's node lives on the stack's disk, for the specs that act on it as a fault or a load would: found
// by the port its postmaster listens on (line 4 of postmaster.pid), checked by the process's working directory.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The node listening on `port`: its data directory and postmaster's pid. A service's first node keeps its data in
 * `<DATA>/services/<id>/data`, the nodes added later in `<id>/<node>/data`.
 */
export function nodeOnPort(stackDataDir: string, port: string): { dataDir: string; pid: number } {
  const services = join(stackDataDir, 'data', 'services');
  const roots = readdirSync(services).flatMap((id) => [join(services, id), ...readdirSync(join(services, id)).map((d) => join(services, id, d))]);
  for (const root of roots) {
    try {
      const lines = readFileSync(join(root, 'data', 'postmaster.pid'), 'utf8').split('\n');
      const pid = Number(lines[0]);
      if (lines[3]?.trim() === port && readlinkSync(`/proc/${pid}/cwd`) === join(root, 'data')) return { dataDir: join(root, 'data'), pid };
    } catch {
      // no postmaster.pid (a node stopped), or its process is gone
    }
  }
  throw new Error(`no postmaster listens on ${port}`);
}
