// The failover relay, as the engine runs it (detached, as the service's user), between a real client and real
// TCP echo servers standing in for the new master.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FRONT_SOURCE, FrontRuntime, frontPaths, type FrontConfig } from './front';
import { InstanceRuntime } from './instance';
import { portHolder } from './port-holder';
import { lookupUser, run } from './process';

const runAs = process.getuid?.() === 0 ? lookupUser('pgdeck') : null;
const front = new FrontRuntime(new InstanceRuntime(runAs));
let root = '';
let script = '';
const dirs: string[] = [];
let services = 0;
const servers: Server[] = [];

async function until(ok: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Listens on a free port of 50000–50999 (another test run may hold any of them). */
async function listenFree(srv: Server, host = '127.0.0.1'): Promise<number> {
  for (;;) {
    const port = 50_000 + Math.floor(Math.random() * 1000);
    const bound = await new Promise<boolean>((resolve) => {
      srv.once('error', () => resolve(false));
      srv.listen({ host, port }, () => resolve(true));
    });
    if (bound) return port;
  }
}

async function freePort(host = '127.0.0.1'): Promise<number> {
  const probe = createServer();
  const port = await listenFree(probe, host);
  await new Promise((r) => probe.close(r));
  return port;
}

/** A TCP echo server, recording the address of each connection it gets. */
async function echo(): Promise<{ port: number; peers: string[] }> {
  const peers: string[] = [];
  const srv = createServer((s) => {
    peers.push(s.remoteAddress ?? '');
    s.on('error', () => undefined);
    s.pipe(s);
  });
  servers.push(srv);
  return { port: await listenFree(srv), peers };
}

interface Conn {
  socket: Socket;
  data: string;
  closed: boolean;
}

function open(port: number, text = ''): Conn {
  const c: Conn = { socket: connect({ host: '127.0.0.1', port }), data: '', closed: false };
  c.socket.on('data', (d) => (c.data += d.toString()));
  c.socket.on('error', () => undefined);
  c.socket.on('close', () => (c.closed = true));
  if (text) c.socket.write(text);
  return c;
}

/** Sends `text` on a new connection; answers what came back before it closed (or all of it). */
async function exchange(port: number, text: string): Promise<string> {
  const c = open(port, text);
  await until(() => c.closed || c.data.length >= text.length, `an answer on port ${port}`);
  c.socket.destroy();
  return c.data;
}

/** A relay of its own, configured (listening on a free port, everyone let in, unless said otherwise) and started. */
async function relay(over: Partial<FrontConfig>): Promise<{ dir: string; config: FrontConfig }> {
  const svc = join(root, `svc-${services++}`);
  mkdirSync(svc, { mode: 0o755 });
  const dir = join(svc, 'front');
  const config: FrontConfig = { listen: true, host: '127.0.0.1', port: await freePort(), target: null, source: null, ipFilter: ['0.0.0.0/0'], ...over };
  dirs.push(dir);
  await front.configure(dir, config, runAs);
  await front.start(dir, runAs, script);
  return { dir, config };
}

const log = (dir: string) => readFileSync(frontPaths(dir).log, 'utf8');

describe('FrontRuntime', { timeout: 60_000 }, () => {
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'pgdeck-front-'));
    chmodSync(root, 0o755);
    script = front.install(join(root, 'bin'));
  });

  afterEach(async () => {
    for (const dir of dirs.splice(0)) await front.stop(dir);
    for (const srv of servers.splice(0)) srv.close();
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('installs the relay root-owned, 0755, and rewrites it only when it differs', () => {
    const st = statSync(script);
    expect(readFileSync(script, 'utf8')).toBe(readFileSync(FRONT_SOURCE, 'utf8'));
    expect([st.mode & 0o777, st.uid]).toEqual([0o755, process.getuid?.()]);
    expect(front.install(join(root, 'bin'))).toBe(script);
    expect(statSync(script).ino).toBe(st.ino);
  });

  it('forwards bytes both ways, connecting from the configured source address', async () => {
    const master = await echo();
    const { dir, config } = await relay({ target: { host: '127.0.0.1', port: master.port }, source: '127.0.0.2' });
    await until(() => front.listening(dir), 'the relay to listen');
    const text = 'x'.repeat(300_000);
    expect(await exchange(config.port, text)).toBe(text);
    expect(master.peers).toEqual(['127.0.0.2']);
  });

  it('parked, binds nothing; told to listen, binds at once', async () => {
    const master = await echo();
    const { dir, config } = await relay({ listen: false, target: { host: '127.0.0.1', port: master.port } });
    expect(front.pid(dir)).not.toBeNull();
    expect(front.listening(dir)).toBe(false);
    expect(portHolder(config.host, config.port)).toBeNull();
    await front.configure(dir, { ...config, listen: true }, runAs);
    await until(() => front.listening(dir), 'the relay to listen');
    expect(await exchange(config.port, 'ping')).toBe('ping');
  });

  it('closes a client outside the ip-filter without a byte, and the master never sees it; a new filter applies to new clients', async () => {
    const master = await echo();
    const { dir, config } = await relay({ target: { host: '127.0.0.1', port: master.port }, ipFilter: ['10.0.0.0/8'] });
    await until(() => front.listening(dir), 'the relay to listen');
    expect(await exchange(config.port, 'hello')).toBe('');
    expect(await exchange(config.port, 'hello')).toBe('');
    expect(master.peers).toEqual([]);
    await until(() => log(dir).includes('refused 127.0.0.1'), 'the refusal in the log');
    expect(log(dir).match(/refused 127\.0\.0\.1/g)).toHaveLength(1);
    // configure resolves once the relay has the new file in force: the very next client is judged by it
    await front.configure(dir, { ...config, ipFilter: ['10.0.0.0/8', '127.0.0.1/32'] }, runAs);
    expect(await exchange(config.port, 'hello')).toBe('hello');
    await front.configure(dir, { ...config, ipFilter: ['10.0.0.0/8'] }, runAs);
    expect(await exchange(config.port, 'hello')).toBe('');
  });

  it('configure fails when the relay does not confirm the new file (stopped), and start kills a relay that lost its front.pid', async () => {
    const master = await echo();
    const { dir, config } = await relay({ target: { host: '127.0.0.1', port: master.port } });
    await until(() => front.listening(dir), 'the relay to listen');
    const first = front.pid(dir) as number;
    process.kill(first, 'SIGSTOP');
    try {
      await expect(front.configure(dir, { ...config, ipFilter: ['10.0.0.0/8'] }, runAs, 300)).rejects.toThrow(/did not apply its new front.json/);
    } finally {
      process.kill(first, 'SIGCONT');
    }
    // its front.pid gone, it still holds the port with whatever filter it has: a new start replaces it
    rmSync(frontPaths(dir).pid);
    expect(front.pid(dir)).toBeNull();
    const second = await front.start(dir, runAs, script);
    expect(second).not.toBe(first);
    await until(() => front.listening(dir), 'the new relay to listen');
    expect(() => process.kill(first, 0)).toThrow();
    expect(await exchange(config.port, 'ping')).toBe('');
  });

  it('matches IPv4 clients of a dual-stack socket by their IPv4 address', async () => {
    const master = await echo();
    const { dir, config } = await relay({ host: '::', port: await freePort('::'), target: { host: '127.0.0.1', port: master.port }, ipFilter: ['127.0.0.1/32'] });
    await until(() => front.listening(dir), 'the relay to listen');
    expect(await exchange(config.port, 'ping')).toBe('ping');
  });

  it('holds a client while there is no target, and forwards it once the target is set', async () => {
    const master = await echo();
    const { dir, config } = await relay({ target: null });
    await until(() => front.listening(dir), 'the relay to listen');
    const client = open(config.port, 'held');
    await until(() => client.socket.readyState === 'open', 'the client to connect');
    expect([client.data, client.closed, master.peers.length]).toEqual(['', false, 0]);
    await front.configure(dir, { ...config, target: { host: '127.0.0.1', port: master.port } }, runAs);
    await until(() => client.data === 'held', 'the held client to be forwarded');
    client.socket.destroy();
  });

  it('sends new connections to a new target, leaving forwarded ones where they are', async () => {
    const [first, second] = [await echo(), await echo()];
    const { dir, config } = await relay({ target: { host: '127.0.0.1', port: first.port } });
    await until(() => front.listening(dir), 'the relay to listen');
    const old = open(config.port, 'a');
    await until(() => old.data === 'a', 'the first connection');
    await front.configure(dir, { ...config, target: { host: '127.0.0.1', port: second.port } }, runAs);
    await until(async () => (await exchange(config.port, 'b')) === 'b' && second.peers.length > 0, 'a connection to the new target');
    old.socket.write('c');
    await until(() => old.data === 'ac', 'the old connection to go on');
    old.socket.destroy();
  });

  it('binds once another program releases the port (EADDRINUSE retried)', async () => {
    const master = await echo();
    const holder = createServer();
    const port = await listenFree(holder);
    const { dir } = await relay({ port, target: { host: '127.0.0.1', port: master.port } });
    await until(() => log(dir).includes('EADDRINUSE'), 'a failed bind');
    expect(front.listening(dir)).toBe(false);
    await new Promise((r) => holder.close(r));
    await until(() => front.listening(dir), 'the relay to listen');
    expect(await exchange(port, 'ping')).toBe('ping');
  });

  it('start fails with the reason from the log when front.json is missing', async () => {
    const dir = join(root, 'svc-unconfigured');
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    await expect(front.start(join(dir, 'front'), runAs, script)).rejects.toThrow(/did not start.*cannot start: ENOENT/);
  });

  it('outlives the process that started it (its own session), and stop ends it', async () => {
    const master = await echo();
    const svc = join(root, 'svc-detached');
    mkdirSync(svc, { mode: 0o755 });
    const dir = join(svc, 'front');
    const config: FrontConfig = { listen: true, host: '127.0.0.1', port: await freePort(), target: { host: '127.0.0.1', port: master.port }, source: null, ipFilter: ['127.0.0.1'] };
    dirs.push(dir);
    await front.configure(dir, config, runAs);
    // a short-lived engine: it starts the relay and exits
    const here = (file: string) => JSON.stringify(fileURLToPath(new URL(file, import.meta.url)));
    const code = `const { FrontRuntime } = await import(${here('front.ts')});
      const { InstanceRuntime } = await import(${here('instance.ts')});
      const { lookupUser } = await import(${here('process.ts')});
      const runAs = process.argv[3] ? lookupUser(process.argv[3]) : null;
      process.stdout.write(String(await new FrontRuntime(new InstanceRuntime(runAs)).start(process.argv[1], runAs, process.argv[2])));`;
    const repo = fileURLToPath(new URL('../..', import.meta.url));
    const pid = Number(await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, dir, script, runAs?.name ?? ''], { cwd: repo }));
    expect(front.pid(dir)).toBe(pid);
    const procStat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const stat = procStat.slice(procStat.lastIndexOf(')') + 2).split(' ');
    const [ppid, session] = [Number(stat[1]), Number(stat[3])];
    expect(ppid).not.toBe(process.pid);
    expect(session).toBe(pid);
    await until(() => front.listening(dir), 'the relay to listen');
    expect(await exchange(config.port, 'ping')).toBe('ping');
    await front.stop(dir);
    expect(front.pid(dir)).toBeNull();
    expect(portHolder(config.host, config.port)).toBeNull();
  });
});
