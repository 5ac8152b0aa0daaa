// Picks a free TCP port for a new instance: not used by another service and
// not bound by anything else on the machine right now.
import { createServer } from 'node:net';

function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

export async function allocatePort(host: string, base: number, used: Set<number>): Promise<number> {
  for (let port = base; port < Math.min(base + 5000, 65536); port++) {
    if (used.has(port)) continue;
    if (await canBind(host, port)) return port;
  }
  throw new Error(`no free port in ${base}..${base + 5000}`);
}
