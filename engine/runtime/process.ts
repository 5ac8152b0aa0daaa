// The one way the engine runs another program: as the unprivileged OS user
// when the engine runs as root (PostgreSQL refuses to run as root), with a
// timeout, capturing output for error messages.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface RunAs {
  name: string;
  uid: number;
  gid: number;
}

export class CommandError extends Error {
  constructor(readonly command: string, readonly code: number | null, readonly output: string) {
    super(`${command} failed (exit ${code ?? 'signal'}): ${output.trim().split('\n').slice(-5).join(' | ')}`);
    this.name = 'CommandError';
  }
}

export interface RunOptions {
  runAs?: RunAs | null;
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Written to the program's standard input (secrets go here, never on the command line). */
  input?: string;
}

/** Looks up an OS user in /etc/passwd; null when it does not exist. */
export function lookupUser(name: string): RunAs | null {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid && gid) return { name, uid: Number(uid), gid: Number(gid) };
  }
  return null;
}

export function run(file: string, args: string[], opts: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: opts.cwd ?? '/',
      // a minimal environment: nothing of the engine's own (secrets, tokens) reaches child processes
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8', ...opts.env } as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      ...(opts.runAs ? { uid: opts.runAs.uid, gid: opts.runAs.gid } : {}),
    });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-16_384);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    if (opts.input !== undefined) {
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(opts.input);
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new CommandError(`${file} ${args[0] ?? ''}`.trim(), null, err.message));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new CommandError(`${file.split('/').pop()} ${args[0] ?? ''}`.trim(), code, output));
    });
  });
}

export interface ProcInfo {
  pid: number;
  ppid: number;
  cwd: string;
  cmd: string;
}

/** Processes whose working directory is `dir` or below it (what the engine starts runs in its own directories; `/`: all). */
export function processesUnder(dir: string): ProcInfo[] {
  const found: ProcInfo[] = [];
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (cwd !== dir && !cwd.startsWith(prefix)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      found.push({ pid: Number(entry), ppid, cwd, cmd });
    } catch {
      // gone meanwhile, or a kernel thread
    }
  }
  return found;
}

/** Sends a signal; false when the process is already gone (it may exit between being found and being signalled). */
export function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}
