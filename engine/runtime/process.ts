// The one way the engine runs another program: as the unprivileged OS user
// when the engine runs as root (PostgreSQL refuses to run as root), with a
// timeout, capturing output for error messages.
import { spawn, type ChildProcess, type StdioNull, type StdioPipe } from 'node:child_process';
import { closeSync, fchownSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { Readable } from 'node:stream';

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
  /** Kills the program (SIGKILL); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Each line the program writes on its standard error, as it comes (progress, or errors a tail could lose). */
  onStderrLine?: (line: string) => void;
}

/** Looks up an OS user in /etc/passwd; null when it does not exist. */
export function lookupUser(name: string): RunAs | null {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid && gid) return { name, uid: Number(uid), gid: Number(gid) };
  }
  return null;
}

const OUTPUT_TAIL = 16_384;
const commandName = (file: string, args: string[]): string => `${file.split('/').pop()} ${args[0] ?? ''}`.trim();

/** Nothing of the engine's own environment (secrets, tokens) reaches child processes. */
const minimalEnv = (env?: Record<string, string>): NodeJS.ProcessEnv =>
  ({ PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8', ...env }) as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv;

const identity = (runAs?: RunAs | null) => (runAs ? { uid: runAs.uid, gid: runAs.gid } : {});

/** Spawns as `runAs` in `cwd` with a minimal environment. */
function spawnChild(file: string, args: string[], opts: RunOptions, stdin: StdioNull | StdioPipe | Readable): ChildProcess {
  return spawn(file, args, {
    cwd: opts.cwd ?? '/',
    env: minimalEnv(opts.env),
    stdio: [stdin, 'pipe', 'pipe'],
    ...identity(opts.runAs),
  });
}

export interface DaemonOptions {
  runAs?: RunAs | null;
  cwd: string;
  /** Its standard output and error, appended (created 0600, owned by `runAs`). */
  logFile: string;
}

/**
 * Starts a program that outlives the engine (a data-plane process, like PgBouncer and PostgreSQL): its own
 * session (the engine's signals and exit do not reach it), output to its log, not waited for. Answers its pid.
 */
export function spawnDaemon(file: string, args: string[], opts: DaemonOptions): number {
  const log = openSync(opts.logFile, 'a', 0o600);
  try {
    if (opts.runAs) fchownSync(log, opts.runAs.uid, opts.runAs.gid);
    const child = spawn(file, args, { cwd: opts.cwd, env: minimalEnv(), stdio: ['ignore', log, log], detached: true, ...identity(opts.runAs) });
    // a program that cannot start says why only in an event: the missing pid says it here
    child.on('error', () => undefined);
    child.unref();
    if (child.pid === undefined) throw new Error(`${commandName(file, args)} could not be started (no such program, or ${opts.cwd} cannot be entered)`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** Keeps the last 16 KiB a child writes on the given streams, and hands each stderr line to `onLine`. */
function collect(child: ChildProcess, streams: ('stdout' | 'stderr')[], onLine?: (line: string) => void): () => string {
  let output = '';
  for (const name of streams) {
    child[name]?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-OUTPUT_TAIL);
    });
  }
  if (onLine && child.stderr) {
    let partial = '';
    child.stderr.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
    child.stderr.on('end', () => {
      if (partial) onLine(partial);
    });
  }
  return () => output;
}

/** How a child ended: its exit code (null when a signal ended it, or it never started) and that signal. */
const exited = (child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  new Promise((resolve) => {
    child.on('error', () => resolve({ code: null, signal: null }));
    child.on('close', (code, signal) => resolve({ code, signal }));
  });

export function run(file: string, args: string[], opts: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(opts.signal.reason);
    const child = spawnChild(file, args, opts, opts.input === undefined ? 'ignore' : 'pipe');
    const output = collect(child, ['stdout', 'stderr'], opts.onStderrLine);
    if (opts.input !== undefined) {
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(opts.input);
    }
    const kill = (): boolean => child.kill('SIGKILL');
    const timer = setTimeout(kill, opts.timeoutMs ?? 120_000);
    opts.signal?.addEventListener('abort', kill, { once: true });
    let spawnError: Error | null = null;
    child.on('error', (err) => {
      spawnError = err;
    });
    void exited(child).then(({ code }) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', kill);
      if (opts.signal?.aborted) reject(opts.signal.reason);
      else if (spawnError) reject(new CommandError(`${file} ${args[0] ?? ''}`.trim(), null, spawnError.message));
      else if (code === 0) resolve(output());
      else reject(new CommandError(commandName(file, args), code, output()));
    });
  });
}

export interface PipeCommand {
  file: string;
  args: string[];
  env?: Record<string, string>;
}

export type PipeOptions = Omit<RunOptions, 'env' | 'input'>;

/**
 * `a | b` through a kernel pipe (the engine copies nothing): both run as `runAs` in `cwd`, each with its own
 * minimal environment. Either failing kills the other, as do the timeout and the signal; the error is the one
 * that failed first, with its own output's tail. `onStderrLine` gets b's standard error. Resolves with b's output.
 */
export function pipe(a: PipeCommand, b: PipeCommand, opts: PipeOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(opts.signal.reason);
    const first = spawnChild(a.file, a.args, { ...opts, env: a.env }, 'ignore');
    let second: ChildProcess;
    try {
      // b reads the pipe's read end itself; the engine's copy is closed at once, so that a gets EPIPE when b dies
      second = spawnChild(b.file, b.args, { ...opts, env: b.env }, first.stdout as Readable);
    } catch (err) {
      first.kill('SIGKILL');
      return reject(err as Error);
    } finally {
      first.stdout?.destroy();
    }
    const outputs = [collect(first, ['stderr']), collect(second, ['stdout', 'stderr'], opts.onStderrLine)];
    const children = [first, second];
    const commands = [a, b];
    let failure: Error | null = null;
    const killAll = (): void => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    };
    const fail = (err: Error): void => {
      failure ??= err;
      killAll();
    };
    const onAbort = (): void => fail(opts.signal?.reason as Error);
    const timer = setTimeout(() => fail(new CommandError(`${commandName(a.file, a.args)} | ${commandName(b.file, b.args)}`, null, 'timed out')),
      opts.timeoutMs ?? 120_000);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    children.forEach((child, i) => {
      const { file, args } = commands[i] as PipeCommand;
      child.on('error', (err) => fail(new CommandError(`${file} ${args[0] ?? ''}`.trim(), null, err.message)));
    });
    let brokenPipe: Error | null = null;
    void Promise.all(children.map(async (child, i) => {
      const { code, signal } = await exited(child);
      if (code === 0) return;
      const { file, args } = commands[i] as PipeCommand;
      const err = new CommandError(commandName(file, args), code, (outputs[i] as () => string)());
      // a killed by SIGPIPE only says b stopped reading: b's own failure (or success) says why
      if (i === 0 && (signal === 'SIGPIPE' || /Broken pipe/.test(err.output))) brokenPipe = err;
      // a killed program's own exit is no failure of its own: the one that made us kill it is reported
      else if (!failure) fail(err);
    })).then(() => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      failure ??= brokenPipe;
      if (failure) reject(failure);
      else resolve((outputs[1] as () => string)());
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
