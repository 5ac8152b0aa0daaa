// The engine as a separate OS process (as `npm run engine` runs it), so tests
// can kill it like a crash would, and a view of the processes living in a data
// directory, to find the ones nobody owns any more.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiRequest, type Credentials } from '@/lib/api-v2/client';
import type { Operation } from '@/lib/schemas/operation';
import { processesUnder, signal as sendSignal, type ProcInfo } from '../runtime/process';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value (not undefined/null/false); bounded in time. */
export async function until<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (err) {
      last = ` (last error: ${(err as Error).message})`;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last}`);
    await sleep(everyMs);
  }
}

/** A loopback TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface EngineProcess {
  pid: number;
  child: ChildProcess;
  /** stdout and stderr, line by line. */
  output: string[];
  creds: Credentials;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  running(): boolean;
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  waitOperation(id: string, timeoutMs?: number): Promise<Operation>;
}

/**
 * Starts `engine/main.ts` in its own Node process and waits for its "API at" line.
 * Node loads tsx with --import (rather than through the tsx CLI, which runs
 * the engine in a second, child process) so that the pid is the engine's own:
 * SIGKILL on it kills the engine itself, not a wrapper.
 */
export async function spawnEngine(dataDir: string, opts: { port?: number; pgPortBase: number; timeoutMs?: number; env?: Record<string, string> }): Promise<EngineProcess> {
  const port = opts.port ?? (await freePort());
  const env = { ...process.env, ...opts.env };
  delete env.NODE_OPTIONS;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'engine', 'main.ts'), '--listen', `127.0.0.1:${port}`, '--data', dataDir, '--pg-port-base', String(opts.pgPortBase),
      // a kernel-chosen port: port + 1 may be another test's
      '--prometheus-listen', '127.0.0.1:0'],
    { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  let exitState: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exitState = { code, signal };
      resolve(exitState);
    });
  });
  let listening: (() => void) | null = null;
  const ready = new Promise<void>((resolve) => (listening = resolve));
  const collect = (prefix: string) => {
    let partial = '';
    return (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        output.push(`${prefix}${line}`);
        if (/API at /.test(line)) listening?.();
      }
    };
  };
  child.stdout?.on('data', collect(''));
  child.stderr?.on('data', collect('[stderr] '));
  if (child.pid === undefined) throw new Error('the engine process did not start');

  const timeoutMs = opts.timeoutMs ?? 120_000;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready.then(() => 'ready' as const),
    exited.then(() => 'exited' as const),
    new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (outcome !== 'ready') {
    if (outcome === 'timeout') child.kill('SIGKILL');
    throw new Error(`engine did not start (${outcome}): ${output.slice(-20).join('\n')}`);
  }

  const { key, secret } = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as { key: string; secret: string };
  const creds: Credentials = { baseUrl: `http://127.0.0.1:${port}/v2`, key, secret };
  const call = <T>(method: string, path: string, body?: unknown) => apiRequest<T>(creds, method, path, body);
  return {
    pid: child.pid,
    child,
    output,
    creds,
    exited,
    running: () => exitState === null,
    call,
    async waitOperation(id, waitMs = 120_000) {
      return until(`operation ${id} to leave pending`, async () => {
        const res = await call<Operation>('GET', `/operation/${id}`);
        if (res.status !== 200) throw new Error(`GET /operation/${id}: ${res.status} ${JSON.stringify(res.body)}`);
        return res.body.state === 'pending' ? null : res.body;
      }, waitMs, 100);
    },
  };
}

// Every live process whose working directory is `dir` or under it: the engine's own finder.
export { processesUnder, type ProcInfo };

/** The postmaster pid of every instance directory under `<dataDir>/services/` that runs. */
export function runningPostmasters(dataDir: string): Map<string, number> {
  const found = new Map<string, number>();
  let ids: string[] = [];
  try {
    ids = readdirSync(join(dataDir, 'services'));
  } catch {
    return found;
  }
  for (const id of ids) {
    const data = join(dataDir, 'services', id, 'data');
    try {
      const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (Number.isInteger(pid) && pid > 0 && readlinkSync(`/proc/${pid}/cwd`) === data) found.set(id, pid);
    } catch {
      // not running
    }
  }
  return found;
}

/**
 * Stops whatever still runs in `dir`: SIGINT first (a fast shutdown for a
 * postmaster, a clean exit for initdb), SIGKILL for what remains. Bounded.
 */
export async function killProcessesUnder(dir: string): Promise<void> {
  const signalAll = (signal: NodeJS.Signals) => {
    for (const p of processesUnder(dir)) {
      sendSignal(p.pid, signal);
    }
  };
  if (!processesUnder(dir).length) return;
  signalAll('SIGINT');
  for (let i = 0; i < 150 && processesUnder(dir).length; i++) await sleep(100);
  for (let round = 0; round < 5 && processesUnder(dir).length; round++) {
    signalAll('SIGKILL');
    await sleep(500);
  }
}
