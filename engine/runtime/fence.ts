// Fencing an old master (docs/design/ha.md §4.4): every process running its data directory gets SIGKILL, then the
// directory gets another name, so that nothing can acknowledge a commit on it or start it again from its recorded path.
import { existsSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processesUnder, signal } from './process';

export interface FenceResult {
  /** Every process that was sent SIGKILL. */
  killed: number[];
  /** Still there when the time ran out: in uninterruptible sleep, their SIGKILL pending (they never run user code again). */
  stuck: number[];
  renamedTo: string | null;
  ms: number;
}

export interface FenceOptions {
  /** The postmaster, when known (else read from postmaster.pid): stopped first, so it cannot fork while we scan. */
  postmasterPid?: number | null;
  /** Renames the data directory here once no process runs it (skipped when it is gone already). */
  renameTo?: string | null;
  timeoutMs?: number;
}

const DELETED = ' (deleted)';

/** The path the kernel shows in /proc/<pid>/cwd: symbolic links resolved, also for a directory removed meanwhile. */
function canonical(dir: string): string {
  const path = resolve(dir);
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(path)), basename(path));
    } catch {
      return path;
    }
  }
}

/** Whether a cwd link is `dir` or below it, also when that directory was removed under the process. */
function runsIn(cwd: string, dir: string): boolean {
  const path = cwd.endsWith(DELETED) ? cwd.slice(0, -DELETED.length) : cwd;
  return path === dir || path.startsWith(`${dir}/`);
}

/** Processes running in `dir`; zombies have no cwd link, so they are not among them. */
const scan = (dir: string): number[] => processesUnder('/').filter((p) => runsIn(p.cwd, dir)).map((p) => p.pid);

function cwdOf(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
}

function postmasterOf(dir: string, known: number | null | undefined): number | null {
  let pid = known ?? null;
  if (pid === null) {
    try {
      pid = Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return null;
    }
  }
  // a recorded pid may belong to another program by now: stop it only when it runs this data directory
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const cwd = cwdOf(pid);
  return cwd !== null && runsIn(cwd, dir) ? pid : null;
}

export async function fence(dataDir: string, opts: FenceOptions = {}): Promise<FenceResult> {
  const started = Date.now();
  const dir = canonical(dataDir);
  const deadline = started + (opts.timeoutMs ?? 1000);
  const killed = new Set<number>();
  const postmaster = postmasterOf(dir, opts.postmasterPid);
  if (postmaster !== null) signal(postmaster, 'SIGSTOP');
  let stuck: number[] = [];
  // each PostgreSQL process is its own session and process group: a group kill reaches the postmaster only
  for (;;) {
    const found = scan(dir);
    if (found.length === 0) break;
    if (Date.now() >= deadline) {
      stuck = found;
      break;
    }
    for (const pid of found) if (signal(pid, 'SIGKILL')) killed.add(pid);
    await sleep(5);
  }
  let renamedTo: string | null = null;
  if (opts.renameTo && existsSync(dataDir)) {
    await rename(dataDir, opts.renameTo);
    renamedTo = opts.renameTo;
  }
  return { killed: [...killed], stuck, renamedTo, ms: Date.now() - started };
}
