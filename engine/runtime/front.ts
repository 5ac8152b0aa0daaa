// The failover relay (engine/front/pgdeck-front.mjs): after a failover it holds the service's port and forwards
// to the new master, enforcing the ip-filter itself. A detached data-plane process, like PgBouncer: the engine
// installs it, writes its front.json, starts it (parked, bound to nothing, until told to listen), adopts it by
// front.pid, and stops it. Its files live in the service's front/ directory, 0700, owned by the service's user.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InstanceRuntime } from './instance';
import { signal, spawnDaemon, type RunAs } from './process';

export interface FrontConfig {
  /** false: parked, bound to nothing (the old master still holds the port). */
  listen: boolean;
  host: string;
  /** The service's port, the one in its URI. */
  port: number;
  /** The new master; null: connections are held, unread, up to 5 s until it is set. */
  target: { host: string; port: number } | null;
  /** The address the relay connects from (the master's hba lets it in); null: the kernel's choice. */
  source: string | null;
  ipFilter: string[];
}

/** The relay's source in the repository; `install` copies it where every service's user can run it. */
export const FRONT_SOURCE = fileURLToPath(new URL('../front/pgdeck-front.mjs', import.meta.url));

export const frontPaths = (dir: string) => ({
  config: join(dir, 'front.json'),
  pid: join(dir, 'front.pid'),
  state: join(dir, 'front.state'),
  log: join(dir, 'front.log'),
});

/** Whether `pid` is a relay running in `dir` (an exited one has neither command line nor cwd). */
function relayIn(pid: number, dir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('pgdeck-front.mjs') && readlinkSync(`/proc/${pid}/cwd`) === resolve(dir);
  } catch {
    return false;
  }
}

/** Every relay process running in `dir`, whatever front.pid says. */
function relaysIn(dir: string): number[] {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => pid !== process.pid && relayIn(pid, dir));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FrontRuntime {
  /** Starts under way, by relay directory. */
  private starting = new Map<string, Promise<number>>();

  constructor(private readonly instances: InstanceRuntime) {}

  /** Installs the relay into `binDir` (root-owned, 0755), atomically, only when it differs; answers its path. */
  install(binDir: string): string {
    mkdirSync(binDir, { recursive: true, mode: 0o755 });
    const file = join(binDir, 'pgdeck-front.mjs');
    // a relay starting meanwhile reads the old file or the new one, never half of one
    this.instances.writeOwned(file, readFileSync(FRONT_SOURCE, 'utf8'), null, 0o755);
    return file;
  }

  /**
   * Writes front.json (0600, owned by `owner`) and has a running relay read it again; resolves once the relay says
   * (front.state) that this very file is in force, so a narrowed ip-filter is enforced when the caller goes on.
   */
  async configure(dir: string, config: FrontConfig, owner: RunAs | null, timeoutMs = 5000): Promise<void> {
    this.instances.ownedDir(dir, owner);
    const text = `${JSON.stringify(config, null, 2)}\n`;
    this.instances.writeOwned(frontPaths(dir).config, text, owner);
    const pid = this.pid(dir);
    if (pid === null) return;
    signal(pid, 'SIGHUP');
    const want = createHash('sha256').update(text).digest('hex');
    const deadline = Date.now() + timeoutMs;
    while (this.state(dir)?.config !== want) {
      if (Date.now() > deadline) throw new Error(`the failover relay in ${dir} did not apply its new front.json in ${timeoutMs} ms; log: ${this.logTail(dir)}`);
      await sleep(20);
    }
  }

  /** What the relay last wrote to front.state, if it is readable. */
  private state(dir: string): { listening?: unknown; config?: unknown } | null {
    try {
      return JSON.parse(readFileSync(frontPaths(dir).state, 'utf8')) as { listening?: unknown; config?: unknown };
    } catch {
      return null;
    }
  }

  /**
   * Starts the relay of `dir` as `owner` (configure first) unless it runs; answers its pid once it handles signals.
   * A start of the same relay under way is joined: a second one would kill the first's process as a stray.
   */
  start(dir: string, owner: RunAs | null, script: string, timeoutMs = 5000): Promise<number> {
    const under = this.starting.get(dir);
    if (under) return under;
    const task = this.startOnce(dir, owner, script, timeoutMs).finally(() => this.starting.delete(dir));
    this.starting.set(dir, task);
    return task;
  }

  private async startOnce(dir: string, owner: RunAs | null, script: string, timeoutMs: number): Promise<number> {
    const running = this.pid(dir);
    if (running !== null) return running;
    const p = frontPaths(dir);
    this.instances.ownedDir(dir, owner);
    // one relay per service: one that lost its front.pid would keep the port with a stale ip-filter
    for (const stray of relaysIn(dir)) signal(stray, 'SIGKILL');
    // what a relay killed earlier left would pass for the new one's
    rmSync(p.pid, { force: true });
    rmSync(p.state, { force: true });
    const pid = spawnDaemon(process.execPath, [script, dir], { runAs: owner, cwd: dir, logFile: p.log });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.pid(dir) === pid) return pid;
      // gone already (front.json missing or wrong): its log says why
      if (!existsSync(`/proc/${pid}`)) break;
      await sleep(20);
    }
    if (relayIn(pid, dir)) signal(pid, 'SIGKILL');
    throw new Error(`the failover relay did not start in ${dir}; log: ${this.logTail(dir)}`);
  }

  /** The running relay of `dir`, else null: a reused pid belongs to another program, or to another service's relay. */
  pid(dir: string): number | null {
    try {
      const pid = Number(readFileSync(frontPaths(dir).pid, 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 && relayIn(pid, dir) ? pid : null;
    } catch {
      return null;
    }
  }

  /** Whether the relay runs and is bound to the service's port. */
  listening(dir: string): boolean {
    return this.pid(dir) !== null && this.state(dir)?.listening === true;
  }

  /** SIGTERM, then SIGKILL after `timeoutMs`; returns once it is gone (its port free). */
  async stop(dir: string, timeoutMs = 2000): Promise<void> {
    const pid = this.pid(dir);
    if (pid === null) return;
    signal(pid, 'SIGTERM');
    const deadline = Date.now() + timeoutMs;
    while (this.pid(dir) !== null && Date.now() < deadline) await sleep(20);
    if (this.pid(dir) === null) return;
    signal(pid, 'SIGKILL');
    while (this.pid(dir) !== null && Date.now() < deadline + 1000) await sleep(20);
  }

  logTail(dir: string, lines = 5): string {
    const log = frontPaths(dir).log;
    if (!existsSync(log)) return '(no log)';
    return readFileSync(log, 'utf8').trim().split('\n').slice(-lines).join(' | ');
  }
}

/**
 * Where the relay connects from, and the address the master's pg_hba.conf lets in for it: 127.0.0.2 when
 * PostgreSQL listens on IPv4 (a loopback address nothing else uses, which reaches the host's own addresses too),
 * else the listen address itself. Passwords are still checked by PostgreSQL.
 */
export function relaySource(pgHost: string): { source: string | null; cidr: string } {
  return isIPv6(pgHost) ? { source: null, cidr: `${pgHost}/128` } : { source: '127.0.0.2', cidr: '127.0.0.2/32' };
}
