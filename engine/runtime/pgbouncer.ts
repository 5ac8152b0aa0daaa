// One PgBouncer per service: its files (pgbouncer.ini, hba.conf, userlist.txt,
// all written by the engine) and its process, run as the unprivileged user,
// daemonized so it outlives the engine, reloaded with RELOAD on its admin console.
//
// Clients reach it over TLS only (the service's certificate from the engine's
// CA), authenticate with SCRAM against the verifiers PostgreSQL stores, and
// are let in by hba lines built from the service's ip-filter and each pool's
// user. PgBouncer reaches PostgreSQL over the instance's Unix socket, in a
// 0700 directory only the unprivileged user (and root) can enter.
import { existsSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { setPriority } from 'node:os';
import { basename, join } from 'node:path';
import pg from 'pg';
import type { PoolMode } from '@/lib/schemas/pool';
import type { SettingsValues } from '@/lib/schemas/settings';
import { paths, type InstanceRuntime } from './instance';
import type { PgBouncerBinary } from './pgbouncer-binary';
import { CommandError, run, signal, type RunAs } from './process';
import { engineVerifier } from './sql-text';

export interface BouncerPool {
  name: string;
  database: string;
  mode: PoolMode;
  size: number;
  /** Server connections run as this user, and only this user may use the pool; null: whoever logs in. */
  username: string | null;
}

/** Where the engine reaches a service's PgBouncer admin console, and with what. */
export interface BouncerTarget {
  /** The service's root: PgBouncer's files go to root/pgbouncer, PostgreSQL's socket is root/run. */
  root: string;
  port: number;
  /** The engine's admin password (the service's engine secret). */
  password: string;
}

export interface BouncerSpec extends BouncerTarget {
  listen: string;
  /** The OS user it runs as and its files belong to. */
  runAs: RunAs | null;
  /** Where PgBouncer reaches PostgreSQL (the service's master): its socket directory and port. */
  pgSocketDir: string;
  pgPort: number;
  /** The directory holding the service's TLS certificate and key (server.crt, server.key). */
  tlsDir: string;
  ipFilter: string[];
  pools: BouncerPool[];
  /** username → SCRAM verifier, as PostgreSQL stores it. */
  users: Map<string, string>;
  /** pgbouncer-settings as set through the API. */
  settings: SettingsValues;
  /** What a client may hold open at once, over all pools. */
  maxClientConn: number;
}

export const bouncerPaths = (root: string) => {
  const dir = join(root, 'pgbouncer');
  return {
    dir,
    ini: join(dir, 'pgbouncer.ini'),
    hba: join(dir, 'hba.conf'),
    users: join(dir, 'userlist.txt'),
    pid: join(dir, 'pgbouncer.pid'),
    log: join(dir, 'pgbouncer.log'),
  };
};

// Names reach ini, hba and connection-string syntax; the API's name rules already
// keep them to these characters, and this refuses anything else outright.
const SAFE_NAME = /^[A-Za-z0-9_][-._A-Za-z0-9]*$/;
const SAFE_PATH = /^\/[-._A-Za-z0-9/]*$/;

function safe(value: string, what: string, pattern = SAFE_NAME): string {
  if (!pattern.test(value)) throw new Error(`${what} "${value}" cannot be written into PgBouncer's configuration`);
  return value;
}

/** The engine's own PgBouncer admin: the admin console over the private Unix socket only. */
export const BOUNCER_ADMIN = 'pgdeck_admin';

const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : fallback);

/** pgbouncer.ini: [databases] from the pools (and `*` when autodb is on), [pgbouncer] from the settings. */
export function iniText(spec: BouncerSpec): string {
  const p = bouncerPaths(spec.root);
  const socket = safe(paths(spec.root).run, 'socket directory', SAFE_PATH);
  const pgSocket = safe(spec.pgSocketDir, 'socket directory', SAFE_PATH);
  const s = spec.settings;
  const server = `host=${pgSocket} port=${spec.pgPort}`;
  const databases = spec.pools.map((pool) =>
    [
      `${safe(pool.name, 'pool name')} = ${server} dbname=${safe(pool.database, 'database')}`,
      pool.username ? `user=${safe(pool.username, 'username')}` : '',
      `pool_mode=${pool.mode} pool_size=${pool.size} max_db_connections=${pool.size}`,
    ].filter(Boolean).join(' '),
  );
  const autodbSize = num(s.autodb_pool_size, 0);
  if (autodbSize > 0) {
    const mode = typeof s.autodb_pool_mode === 'string' ? s.autodb_pool_mode : 'transaction';
    databases.push(`* = ${server} pool_mode=${safe(mode, 'autodb_pool_mode')} pool_size=${autodbSize} max_db_connections=${num(s.autodb_max_db_connections, 0)}`);
  }
  const ignore = Array.isArray(s.ignore_startup_parameters) ? s.ignore_startup_parameters : ['extra_float_digits'];
  const settings: [string, string | number][] = [
    ['listen_addr', spec.listen],
    ['listen_port', spec.port],
    // the Unix socket sits beside PostgreSQL's, in its 0700 directory (a short path: sockets allow 107 bytes),
    // for the engine's admin console only
    ['unix_socket_dir', socket],
    ['unix_socket_mode', '0700'],
    ['admin_users', BOUNCER_ADMIN],
    ['pidfile', p.pid],
    ['logfile', p.log],
    ['auth_type', 'hba'],
    ['auth_hba_file', p.hba],
    ['auth_file', p.users],
    ['client_tls_sslmode', 'require'],
    ['client_tls_cert_file', join(spec.tlsDir, 'server.crt')],
    ['client_tls_key_file', join(spec.tlsDir, 'server.key')],
    ['client_tls_protocols', 'tlsv1.2,tlsv1.3'],
    ['server_tls_sslmode', 'disable'],
    ['max_client_conn', spec.maxClientConn],
    ['server_reset_query', 'DISCARD ALL'],
    ['ignore_startup_parameters', ignore.map((x) => safe(String(x), 'ignore_startup_parameters')).join(',')],
    ['application_name_add_host', 0],
    ['log_connections', 0],
    ['log_disconnections', 0],
    ['stats_period', 60],
  ];
  // Only what is set: the others keep PgBouncer's own defaults, the ones the settings document states.
  for (const key of ['min_pool_size', 'server_idle_timeout', 'server_lifetime', 'autodb_idle_timeout', 'max_prepared_statements']) {
    if (typeof s[key] === 'number') settings.push([key, num(s[key], 0)]);
  }
  if (typeof s.server_reset_query_always === 'boolean') settings.push(['server_reset_query_always', s.server_reset_query_always ? 1 : 0]);
  return [
    '; Written by the pgdeck engine; edits are overwritten.',
    '[databases]',
    ...databases,
    '',
    '[pgbouncer]',
    ...settings.map(([k, v]) => `${k} = ${v}`),
    '',
  ].join('\n');
}

/**
 * Who may use which pool, from where: TLS only, SCRAM, from the ip-filter.
 * A pool with a user admits that user only; hba takes the first line that matches.
 */
export function hbaText(spec: BouncerSpec): string {
  const anywhere = ['0.0.0.0/0', '::/0'];
  const lines = [
    '# Written by the pgdeck engine; edits are overwritten.',
    `local pgbouncer ${BOUNCER_ADMIN} scram-sha-256`,
    ...anywhere.flatMap((cidr) => [`host all ${BOUNCER_ADMIN} ${cidr} reject`, `host pgbouncer all ${cidr} reject`]),
  ];
  for (const pool of spec.pools) {
    const name = safe(pool.name, 'pool name');
    const user = pool.username ? safe(pool.username, 'username') : 'all';
    for (const cidr of spec.ipFilter) lines.push(`hostssl ${name} ${user} ${cidr} scram-sha-256`);
    for (const cidr of anywhere) lines.push(`host ${name} all ${cidr} reject`);
  }
  if (num(spec.settings.autodb_pool_size, 0) > 0) {
    for (const cidr of spec.ipFilter) lines.push(`hostssl all all ${cidr} scram-sha-256`);
  }
  return `${lines.join('\n')}\n`;
}

export function userlistText(users: Map<string, string>, adminPassword: string): string {
  const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
  // the engine's admin logs in over the private socket only, with a secret only the engine holds
  const all = [...users].filter(([u]) => u !== BOUNCER_ADMIN).concat([[BOUNCER_ADMIN, engineVerifier(adminPassword)]]);
  return `${all.map(([u, v]) => `${q(safe(u, 'username'))} ${q(v)}`).join('\n')}\n`;
}

export class BouncerRuntime {
  /** Starts under way, by service root. */
  private starting = new Map<string, Promise<void>>();

  constructor(private readonly instances: InstanceRuntime, private readonly binary: PgBouncerBinary) {}

  get version(): string {
    return this.binary.version;
  }

  writeConfig(spec: BouncerSpec): void {
    const p = bouncerPaths(spec.root);
    this.instances.ownedDir(p.dir, spec.runAs);
    this.instances.writeOwned(p.users, userlistText(spec.users, spec.password), spec.runAs);
    this.instances.writeOwned(p.hba, hbaText(spec), spec.runAs);
    this.instances.writeOwned(p.ini, iniText(spec), spec.runAs);
  }

  /**
   * The pid of the PgBouncer serving this service's ini, else null; also one started from a PgBouncer binary
   * since replaced or moved (an update waiting for maintenance to restart it).
   */
  pid(root: string): number | null {
    return this.running(root)?.pid ?? null;
  }

  /** The running PgBouncer of this service and the binary it was started from (" (deleted)" when replaced since). */
  running(root: string): { pid: number; exe: string } | null {
    const p = bouncerPaths(root);
    try {
      const pid = Number(readFileSync(p.pid, 'utf8').trim());
      if (!Number.isInteger(pid) || pid <= 0) return null;
      // a reused pid belongs to another program, or to another service's PgBouncer
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const exe = readlinkSync(`/proc/${pid}/exe`);
      return basename(exe.replace(/ \(deleted\)$/, '')).startsWith('pgbouncer') && cmdline.includes(p.ini) ? { pid, exe } : null;
    } catch {
      return null;
    }
  }

  /** The installed binary, which `start` runs. */
  get bin(): string {
    return this.binary.bin;
  }

  /**
   * Starts PgBouncer (daemonized) unless it runs, and waits until it accepts TCP connections. A start of the same
   * service already under way (a supervision round and a request may both find it down) is joined, not doubled:
   * a second PgBouncer on the same socket exits with "unix socket is in use", failing its caller.
   */
  start(spec: BouncerSpec, timeoutMs = 15_000): Promise<void> {
    const under = this.starting.get(spec.root);
    if (under) return under;
    const task = this.startOnce(spec, timeoutMs).finally(() => this.starting.delete(spec.root));
    this.starting.set(spec.root, task);
    return task;
  }

  private async startOnce(spec: BouncerSpec, timeoutMs: number): Promise<void> {
    const p = bouncerPaths(spec.root);
    if (this.pid(spec.root) === null) {
      // A PgBouncer killed with SIGKILL leaves its pidfile; it would refuse to start ("another instance running?").
      rmSync(p.pid, { force: true });
      // one file descriptor per client: the soft limit goes up to the hard one (often 1024 → 1048576)
      await run('/bin/sh', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"', this.binary.bin, '-d', '-q', p.ini], {
        runAs: spec.runAs,
        cwd: p.dir,
        timeoutMs,
      }).catch((err: Error) => {
        // with -q it says nothing itself: the reason is in its log
        const said = err instanceof CommandError ? err.output.trim() : err.message;
        throw new Error(`PgBouncer did not start: ${said || `exit ${(err as CommandError).code ?? '?'}`}; log: ${this.logTail(spec.root)}`);
      });
    }
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const pid = this.pid(spec.root);
      if (pid !== null && (await accepts(spec.listen, spec.port))) {
        prioritize(pid);
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`PgBouncer did not start on port ${spec.port}; log: ${this.logTail(spec.root)}`);
  }

  /**
   * Rereads pgbouncer.ini, hba.conf and userlist.txt (admin console RELOAD, done
   * when it answers): client connections stay open. False when it does not run.
   */
  async reload(target: BouncerTarget): Promise<boolean> {
    if (this.pid(target.root) === null) return false;
    await this.admin(target, 'RELOAD');
    return true;
  }

  /** A command on PgBouncer's admin console (SHOW POOLS, RELOAD...), as the engine's admin, over the private socket. */
  async admin<R extends pg.QueryResultRow = pg.QueryResultRow>(target: BouncerTarget, command: string): Promise<R[]> {
    const client = new pg.Client({
      host: paths(target.root).run,
      port: target.port,
      user: BOUNCER_ADMIN,
      password: target.password,
      database: 'pgbouncer',
      connectionTimeoutMillis: 5000,
    });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query<R>(command)).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Immediate shutdown (SIGTERM); waits until the process is gone. */
  async stop(root: string, timeoutMs = 10_000): Promise<void> {
    const pid = this.pid(root);
    if (pid === null) return;
    signal(pid, 'SIGTERM');
    const deadline = Date.now() + timeoutMs;
    while (this.pid(root) !== null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (this.pid(root) !== null) signal(pid, 'SIGKILL');
  }

  logTail(root: string, lines = 5): string {
    const log = bouncerPaths(root).log;
    if (!existsSync(log)) return '(no log)';
    return readFileSync(log, 'utf8').trim().split('\n').slice(-lines).join(' | ');
  }
}

/**
 * PgBouncer is one thread multiplexing every client of the service onto the
 * backends; under CPU contention the scheduler would give it the share of one
 * process among dozens, and everything behind it would wait. As root, the
 * engine raises its priority a little above the backends it feeds.
 */
export const BOUNCER_NICE = -5;

function prioritize(pid: number): void {
  try {
    setPriority(pid, BOUNCER_NICE);
  } catch {
    // not root: it keeps the default priority
  }
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}
