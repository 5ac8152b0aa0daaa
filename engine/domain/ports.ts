// Picks a free TCP port for a new instance: not used by another service,
// not being handed to a concurrent create, and not bound by anything else.
import { createServer } from 'node:net';

function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

const reserved = new Set<number>();

/**
 * The port stays reserved until `release` is called (once the service row
 * holding it is written, or the create was refused).
 */
export async function allocatePort(host: string, base: number, used: Set<number>): Promise<{ port: number; release: () => void }> {
  for (let port = base; port < Math.min(base + 5000, 65536); port++) {
    if (used.has(port) || reserved.has(port)) continue;
    reserved.add(port);
    if (await canBind(host, port)) return { port, release: () => reserved.delete(port) };
    reserved.delete(port);
  }
  throw new Error(`no free port in ${base}..${base + 5000}`);
}
