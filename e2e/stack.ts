// Starts and stops the stack the e2e tests run against: an engine on a
// temporary data directory and the console's production build (next start).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where a run of the suite leaves what its tests read, named after the checkout: two checkouts on one machine
 * (a CI run and a working tree) each find their own stack.
 */
export const e2eStateFile = (kind: 'stack' | 'source'): string =>
  join(tmpdir(), `pgdeck-e2e-${kind}-${createHash('sha256').update(process.cwd()).digest('hex').slice(0, 12)}.json`);

export const STATE_FILE = e2eStateFile('stack');

export interface StackState {
  dataDir: string;
  engineUrl: string;
  consoleUrl: string;
  enginePid: number;
  consolePid: number;
  admin: { key: string; secret: string };
  /** Custom upstreams the console allows: a port a test listens on, and one nothing listens on. */
  allowedUpstream: { listenPort: number; closedPort: number };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

async function waitFor(url: string, ok: (status: number) => boolean, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    try {
      if (ok((await fetch(url, { redirect: 'manual' })).status)) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not answer at ${url}`);
}

function start(cmd: string, args: string[], env: Record<string, string>, log: string): ChildProcess {
  // own process group: teardown signals the whole group
  const out = openSync(log, 'a');
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', out, out], detached: true });
  closeSync(out);
  return child;
}

export async function startStack(): Promise<StackState> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pgdeck-e2e-'));
  chmodSync(dataDir, 0o711);
  const [enginePort, consolePort, listenPort, closedPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const engineUrl = `http://127.0.0.1:${enginePort}/v2`;
  const engine = start(process.execPath, ['--import', 'tsx', 'engine/main.ts', '--listen', `127.0.0.1:${enginePort}`, '--data', join(dataDir, 'data'), '--pg-port-base', String(40000 + Math.floor(Math.random() * 50) * 100)],
    // metrics every 2 s: the metrics spec sees charts fill within seconds
    { PGDECK_METRICS_INTERVAL: '2', PGDECK_PROMETHEUS_LISTEN: '127.0.0.1:0' }, join(dataDir, 'engine.log'));
  await waitFor(`${engineUrl}/zone`, (s) => s === 403, engine, 'the engine');
  const consoleUrl = `http://127.0.0.1:${consolePort}`;
  const web = start(join('node_modules', '.bin', 'next'), ['start', '-H', '127.0.0.1', '-p', String(consolePort)], {
    // where it listens: its own origins (Host and Origin checks) default to these
    HOST: '127.0.0.1',
    PORT: String(consolePort),
    PGDECK_ENGINE_URL: engineUrl,
    PGDECK_ALLOWED_UPSTREAMS: `http://127.0.0.1:${listenPort}/v2,http://127.0.0.1:${closedPort}/v2`,
    PGDECK_SESSION_SECRET: randomBytes(36).toString('base64'),
    NEXT_TELEMETRY_DISABLED: '1',
  }, join(dataDir, 'console.log'));
  await waitFor(`${consoleUrl}/sign-in`, (s) => s === 200, web, 'the console');
  const admin = JSON.parse(readFileSync(join(dataDir, 'data', 'credentials.json'), 'utf8')) as StackState['admin'];
  const state: StackState = { dataDir, engineUrl, consoleUrl, enginePid: engine.pid ?? 0, consolePid: web.pid ?? 0, admin, allowedUpstream: { listenPort, closedPort } };
  writeFileSync(STATE_FILE, JSON.stringify(state));
  return state;
}

export async function stopStack(): Promise<void> {
  let state: StackState;
  try {
    state = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as StackState;
  } catch {
    return;
  }
  const stop = async (pid: number) => {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      return;
    }
    // SIGTERM ends the console and the engine; the databases keep running (stopped below)
    for (let i = 0; i < 300; i++) {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    process.kill(-pid, 'SIGKILL');
  };
  await stop(state.consolePid);
  await stop(state.enginePid);
  // the data plane outlives the engine: the databases are stopped by their own command
  await new Promise<void>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'engine/main.ts', 'stop', '--data', join(state.dataDir, 'data')], { stdio: 'ignore' });
    child.on('close', () => resolve());
    child.on('error', () => resolve());
  });
  if (!process.env.PGDECK_E2E_KEEP) rmSync(state.dataDir, { recursive: true, force: true });
  rmSync(STATE_FILE, { force: true });
}
