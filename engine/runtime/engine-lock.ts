// One engine per data directory: DATA/engine.pid names the engine that runs
// on it. A pidfile whose process is gone, or is no engine, is stale.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signal } from './process';

const lockFile = (dataDir: string) => join(dataDir, 'engine.pid');

/** The pid of the engine running on this data directory, or null. */
export function runningEngine(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(lockFile(dataDir), 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('engine/main.ts') ? pid : null;
  } catch {
    return null;
  }
}

/** Claims the data directory for this process; refuses when another engine runs on it. */
export function lockDataDir(dataDir: string): () => void {
  const other = runningEngine(dataDir);
  if (other !== null) throw new Error(`another engine (pid ${other}) runs on ${dataDir}: stop it first, or choose another --data`);
  mkdirSync(dataDir, { recursive: true, mode: 0o711 });
  writeFileSync(lockFile(dataDir), `${process.pid}\n`, { mode: 0o600 });
  return () => {
    if (runningEngine(dataDir) === null) rmSync(lockFile(dataDir), { force: true });
  };
}

/** Sends SIGTERM to the engine running on this data directory and waits (bounded) until it is gone. */
export async function stopRunningEngine(dataDir: string, timeoutMs = 60_000): Promise<number | null> {
  const pid = runningEngine(dataDir);
  if (pid === null) return null;
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (runningEngine(dataDir) === pid && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (runningEngine(dataDir) === pid) throw new Error(`the engine (pid ${pid}) did not stop within ${timeoutMs / 1000} s`);
  return pid;
}
