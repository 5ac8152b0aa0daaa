// portHolder names the process listening on a port: here, this test's own.
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { portHolder } from './port-holder';

const listen = (host: string) =>
  new Promise<{ srv: Server; port: number }>((resolve) => {
    const srv = createServer();
    srv.listen({ host, port: 0 }, () => resolve({ srv, port: (srv.address() as { port: number }).port }));
  });

describe('portHolder', () => {
  it('finds the pid and command line of a listener, over IPv4 and IPv6', async () => {
    for (const host of ['127.0.0.1', '::1']) {
      const { srv, port } = await listen(host);
      try {
        expect(portHolder(host, port)).toMatch(new RegExp(`^pid ${process.pid}: \\S*node`));
      } finally {
        await new Promise((r) => srv.close(r));
      }
      expect(portHolder(host, port)).toBeNull();
    }
  });

  it('ignores a listener on another address, which does not keep this one from binding', async () => {
    const { srv, port } = await listen('127.0.0.1');
    try {
      expect(portHolder('::1', port)).toBeNull();
      expect(portHolder('0.0.0.0', port)).toMatch(/^pid /);
    } finally {
      await new Promise((r) => srv.close(r));
    }
  });
});
