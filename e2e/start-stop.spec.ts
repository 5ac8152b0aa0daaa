// `npm start` and `npm stop` as a person uses them: Ctrl-C (SIGINT to the
// terminal's process group) or SIGTERM to npm ends the console and the engine,
// with nothing of theirs left listening, and says how to stop the databases,
// which keep running; `npm stop` stops them.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, chmodSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { apiRequest } from '../lib/api-v2/client';
import type { Operation } from '../lib/schemas/operation';
import { freePort } from './stack';

const listening = (port: number) => new Promise<boolean>((resolve) => {
  const socket = createConnection({ host: '127.0.0.1', port });
  socket.once('connect', () => { socket.destroy(); resolve(true); });
  socket.once('error', () => resolve(false));
});

/** Postmasters running on a data directory's services (their pid files name live processes). */
function postmasters(dataDir: string): number[] {
  const services = join(dataDir, 'services');
  return readdirSync(services).flatMap((id) => {
    try {
      const pid = Number(readFileSync(join(services, id, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(pid, 0);
      return [pid];
    } catch {
      return [];
    }
  });
}

interface Started { child: ChildProcess; output: () => string; exited: Promise<number | null> }

function npm(args: string[], env: Record<string, string>): Started {
  let out = '';
  // its own process group, as a terminal gives a foreground job
  const child = spawn('npm', args, { env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function until<T>(what: string, probe: () => Promise<T | false> | T | false, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('npm start ends on Ctrl-C or SIGTERM with nothing left listening, the databases keep running, npm stop stops them', async () => {
  test.setTimeout(300_000);
  const root = mkdtempSync(join(tmpdir(), 'pgdeck-start-'));
  chmodSync(root, 0o711);
  const dataDir = join(root, 'data');
  const [consolePort, enginePort] = [await freePort(), await freePort()];
  const env = {
    PGDECK_DATA: dataDir,
    PORT: String(consolePort),
    PGDECK_ENGINE_LISTEN: `127.0.0.1:${enginePort}`,
    PGDECK_PG_PORT_BASE: String(44000 + Math.floor(Math.random() * 50) * 100),
  };
  const start = async () => {
    const run = npm(['start'], env);
    await until('the console to answer', async () => (await fetch(`http://127.0.0.1:${consolePort}/sign-in`).catch(() => null))?.status === 200 || false);
    return run;
  };
  try {
    let run = await start();
    const { key, secret } = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as { key: string; secret: string };
    const creds = { baseUrl: `http://127.0.0.1:${enginePort}/v2`, key, secret };
    const created = await apiRequest<Operation>(creds, 'POST', '/dbaas-postgres/kept', { plan: 'hobbyist-2', version: '17' });
    expect(created.status).toBe(200);
    await until('the service to be created', async () => (await apiRequest<Operation>(creds, 'GET', `/operation/${created.body.id}`)).body.state === 'success' || false);
    const [postmaster] = postmasters(dataDir);
    expect(postmaster).toBeGreaterThan(0);

    // Ctrl-C: SIGINT to the whole foreground process group
    process.kill(-(run.child.pid ?? 0), 'SIGINT');
    await run.exited;
    expect(await listening(consolePort)).toBe(false);
    expect(await listening(enginePort)).toBe(false);
    expect(run.output()).toMatch(/the databases keep running \(npm stop stops them\)/);
    expect(postmasters(dataDir)).toEqual([postmaster]);

    // SIGTERM to npm alone, as a service manager sends it
    run = await start();
    process.kill(run.child.pid ?? 0, 'SIGTERM');
    await run.exited;
    await until('the console and the engine to stop listening', async () => !(await listening(consolePort)) && !(await listening(enginePort)), 30_000);
    expect(postmasters(dataDir)).toEqual([postmaster]);

    const stop = npm(['stop'], env);
    expect(await stop.exited).toBe(0);
    expect(stop.output()).toMatch(/stopped 1 PostgreSQL node/);
    expect(postmasters(dataDir)).toEqual([]);
  } finally {
    await npm(['stop'], env).exited;
    rmSync(root, { recursive: true, force: true });
  }
});
