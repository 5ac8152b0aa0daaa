// One PostgreSQL instance on this machine: its files, configuration the
// engine owns, and its process (started detached so it outlives the engine).
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Binaries } from './binaries';
import { run, signal, type RunAs } from './process';
import { confValue, engineVerifier, quoteLiteral } from './sql-text';
import { REPLICATION_ROLE, standbySettings, type StandbySpec } from './standby-config';

export type ConfValue = string | number | boolean;

export interface InstanceSpec {
  /** Directory holding data/, run/ and postgres.log. */
  root: string;
  port: number;
  listen: string;
  binaries: Binaries;
  settings: Record<string, ConfValue>;
  /** CIDR blocks allowed to connect over TLS. */
  ipFilter: string[];
  /** The OS user its processes run as and its files belong to (null: the engine's own user). */
  runAs: RunAs | null;
  /** The superuser's password, which only the engine holds: its connections over the private socket use it. */
  password: string;
  /**
   * Roles the instance's own OS user (its PgBouncer) may log in as over the
   * private socket, by peer authentication: never the superuser.
   */
  localRoles?: string[];
  /** Set on a standby: it runs in recovery, streaming from its upstream (standby.signal is written with it). */
  standby?: StandbySpec;
  /** Read replicas' roles, let in for replication from this host whatever the ip-filter says (SCRAM). */
  replicaRoles?: string[];
}

export interface Tls {
  cert: string;
  key: string;
}

export const SUPERUSER = 'postgres';

export const paths = (root: string) => ({
  root,
  data: join(root, 'data'),
  run: join(root, 'run'),
  /** What the postmaster says before its logging collector starts (a failed bind, a bad setting), via pg_ctl -l. */
  log: join(root, 'postgres.log'),
  /** The logging collector's files, outside the data directory (never in a base backup), rotated by PostgreSQL. */
  logDir: join(root, 'log'),
});

/** A collector file's name: its time sorts the files of a node; PostgreSQL opens a new one past LOG_ROTATION_SIZE. */
export const LOG_FILENAME = 'postgresql-%Y%m%d-%H%M%S.log';
export const LOG_ROTATION_SIZE = '10MB';

/** Every log file of a node, oldest first: postgres.log, then the collector's (by the time in their names). */
export function logFiles(root: string): string[] {
  const p = paths(root);
  let collected: string[] = [];
  try {
    collected = readdirSync(p.logDir).filter((f) => /^postgresql-\d{8}-\d{6}\.log$/.test(f)).sort().map((f) => join(p.logDir, f));
  } catch {
    // no collector yet
  }
  return [p.log, ...collected].filter((f) => existsSync(f));
}

/** The file PostgreSQL writes to now: the newest by modification time. */
export function currentLog(root: string): string {
  let best = paths(root).log;
  let bestTime = -1;
  for (const f of logFiles(root)) {
    try {
      const t = statSync(f).mtimeMs;
      if (t >= bestTime) [best, bestTime] = [f, t];
    } catch {
      // removed meanwhile
    }
  }
  return best;
}

/** The last `bytes` the node logged, across its newest files (never a whole file read into memory). */
export function recentLog(root: string, bytes = 64 * 1024): string {
  const files = logFiles(root).map((f) => ({ f, t: (() => { try { return statSync(f).mtimeMs; } catch { return -1; } })() }))
    .filter((x) => x.t >= 0).sort((a, b) => a.t - b.t).map((x) => x.f);
  const parts: string[] = [];
  let left = bytes;
  for (const f of files.reverse()) {
    if (left <= 0) break;
    try {
      const size = statSync(f).size;
      const length = Math.min(size, left);
      const buf = Buffer.alloc(length);
      const fd = openSync(f, 'r');
      try {
        readSync(fd, buf, 0, length, size - length);
      } finally {
        closeSync(fd);
      }
      parts.unshift(buf.toString('utf8'));
      left -= length;
    } catch {
      // removed meanwhile
    }
  }
  return parts.join('');
}

export class InstanceRuntime {
  /** `runAs`: the shared unprivileged user that builds templates and spares (null: the engine's own user). */
  constructor(readonly runAs: RunAs | null) {}

  /** Creates (or puts right) a directory owned by `owner`, readable by nobody else (`mode`). */
  ownedDir(dir: string, owner: RunAs | null = this.runAs, mode = 0o700): void {
    mkdirSync(dir, { recursive: true, mode });
    chmodSync(dir, mode);
    if (owner) chownSync(dir, owner.uid, owner.gid);
  }

  /** Writes a file owned by `owner`, atomically; false when it already said exactly this. */
  writeOwned(file: string, text: string, owner: RunAs | null, mode = 0o600): boolean {
    const same = (() => {
      try {
        const st = statSync(file);
        return readFileSync(file, 'utf8') === text && (st.mode & 0o777) === mode && (!owner || (st.uid === owner.uid && st.gid === owner.gid));
      } catch {
        return false;
      }
    })();
    if (same) return false;
    writeFileSync(`${file}.tmp`, text, { mode });
    chmodSync(`${file}.tmp`, mode);
    if (owner) chownSync(`${file}.tmp`, owner.uid, owner.gid);
    // rename keeps the switch atomic: postgres never reads a half-written file
    renameSync(`${file}.tmp`, file);
    return true;
  }

  /** Hands a whole tree to `owner` (a copied cluster, a spare taken by a service). */
  async chownTree(dir: string, owner: RunAs | null): Promise<void> {
    if (owner) await run('/bin/chown', ['-R', `${owner.uid}:${owner.gid}`, dir], { timeoutMs: 300_000 });
  }

  /** initdb into `root/data`, as the shared unprivileged user; the superuser gets `password` (no trust, ever). */
  async initdb(root: string, b: Binaries, password: string): Promise<void> {
    const p = paths(root);
    this.ownedDir(root);
    rmSync(p.data, { recursive: true, force: true });
    const pwfile = join(root, 'pwfile');
    this.writeOwned(pwfile, `${password}\n`, this.runAs);
    try {
      await run(join(b.bin, 'initdb'), ['-D', p.data, '-U', SUPERUSER, `--pwfile=${pwfile}`, '--auth-local=scram-sha-256', '--auth-host=reject',
        '-E', 'UTF8', '--locale=C.UTF-8'], { runAs: this.runAs, cwd: root, timeoutMs: 300_000 });
    } finally {
      rmSync(pwfile, { force: true });
    }
  }

  /**
   * Copies a prepared cluster (cp -a, reflinks where the file system allows)
   * into a fresh directory owned by `owner`, then renames it into place: a copy
   * left running by a killed engine never writes into the data directory that is used.
   */
  async copyCluster(fromRoot: string, toRoot: string, owner: RunAs | null = this.runAs): Promise<void> {
    this.ownedDir(toRoot, owner);
    const target = paths(toRoot).data;
    const work = `${target}.copy-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    // as the engine: the template belongs to the shared user, the copy to its owner
    await run('/bin/cp', ['-a', '--reflink=auto', paths(fromRoot).data, work], { timeoutMs: 300_000 });
    await this.chownTree(work, owner);
    // The copy must survive a power cut before the first checkpoint.
    await run('/bin/sync', ['-f', work]).catch(() => undefined);
    rmSync(target, { recursive: true, force: true });
    renameSync(work, target);
  }

  /**
   * Gives a stopped cluster's superuser a new password, in single-user mode (no
   * server, no connection, nothing to authenticate): every copy of a template gets its own.
   */
  async setSuperuserPassword(root: string, b: Binaries, owner: RunAs | null, password: string): Promise<void> {
    const sql = `ALTER ROLE ${SUPERUSER} PASSWORD ${quoteLiteral(engineVerifier(password))}\n`;
    const out = await run(join(b.bin, 'postgres'), ['--single', '-D', paths(root).data, '-c', 'log_min_messages=fatal', 'postgres'], {
      runAs: owner,
      cwd: root,
      input: sql,
      timeoutMs: 60_000,
    });
    if (/\bERROR:/.test(out)) throw new Error(`could not set the superuser's password: ${out.trim().split('\n').slice(-3).join(' | ')}`);
  }

  /** Writes postgresql.conf, pg_hba.conf and the TLS files (the engine owns them all); true when a file changed. */
  writeConfig(spec: InstanceSpec, tls?: Tls): boolean {
    const p = paths(spec.root);
    this.ownedDir(spec.root, spec.runAs);
    this.ownedDir(p.run, spec.runAs);
    this.ownedDir(p.logDir, spec.runAs);
    const settings: Record<string, ConfValue> = {
      listen_addresses: spec.listen,
      port: spec.port,
      unix_socket_directories: p.run,
      unix_socket_permissions: '0700',
      ssl: true,
      ssl_cert_file: 'server.crt',
      ssl_key_file: 'server.key',
      ssl_min_protocol_version: 'TLSv1.2',
      password_encryption: 'scram-sha-256',
      logging_collector: true,
      log_destination: 'stderr',
      log_directory: p.logDir,
      log_filename: LOG_FILENAME,
      log_file_mode: '0600',
      log_rotation_size: LOG_ROTATION_SIZE,
      log_rotation_age: 0,
      log_truncate_on_rotation: false,
      log_line_prefix: '%m [%p] %q%u@%d ',
      log_timezone: 'UTC',
      timezone: 'UTC',
      lc_messages: 'C',
      dynamic_shared_memory_type: 'posix',
      // query statistics (Aiven preloads it too); pg_stat_statements.track is the service's to set
      shared_preload_libraries: 'pg_stat_statements',
      // the contract's default ("The default is `20`", and its minimum): PostgreSQL's own 10 is one no client may send back
      max_wal_senders: 20,
      // a standby's, written on every node: a master promoted from a standby would otherwise lose these lines, and
      // PostgreSQL marks a server parameter gone from the file as needing a restart (the next change restarted it)
      hot_standby: true,
      // after a failover the standbys follow the new master's timeline by themselves
      recovery_target_timeline: 'latest',
      ...spec.settings,
      ...(spec.standby ? standbySettings(spec.standby) : {}),
    };
    const conf = Object.entries(settings).map(([k, v]) => `${k} = ${confValue(v)}`).join('\n');
    let changed = false;
    if (tls) {
      changed = this.writeOwned(join(p.data, 'server.crt'), tls.cert, spec.runAs, 0o644) || changed;
      changed = this.writeOwned(join(p.data, 'server.key'), tls.key, spec.runAs, 0o600) || changed;
    }
    changed = this.writeOwned(join(p.data, 'postgresql.conf'), `# Written by the pgdeck engine; edits are overwritten.\n${conf}\n`, spec.runAs) || changed;
    // never removed here: PostgreSQL removes it when it is promoted, and a node the store calls master never gets one
    if (spec.standby) changed = this.writeOwned(join(p.data, 'standby.signal'), '', spec.runAs) || changed;
    const hba = hbaText(spec.ipFilter, spec.settings.password_encryption === 'md5' ? 'md5' : 'scram-sha-256', spec.replicaRoles ?? []);
    changed = this.writeOwned(join(p.data, 'pg_ident.conf'), identText(osUserName(spec.runAs), spec.localRoles ?? []), spec.runAs) || changed;
    return this.writeOwned(join(p.data, 'pg_hba.conf'), hba, spec.runAs) || changed;
  }

  /** The pid in postmaster.pid, whether or not that process still lives (a killed postmaster leaves it). */
  recordedPid(root: string): number | null {
    try {
      const pid = Number(readFileSync(join(paths(root).data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : null;
    } catch {
      return null;
    }
  }

  /** The postmaster's pid when it runs on this data directory, else null. */
  pid(root: string): number | null {
    const pid = this.recordedPid(root);
    if (pid === null) return null;
    try {
      // A reused pid belongs to another process: the postmaster's cwd is its data directory.
      return readlinkSync(`/proc/${pid}/cwd`) === paths(root).data ? pid : null;
    } catch {
      return null;
    }
  }

  /** Starts the postmaster detached (pg_ctl) and waits until it accepts connections. */
  async start(spec: InstanceSpec, timeoutMs = 60_000, once: Record<string, string> = {}): Promise<void> {
    const p = paths(spec.root);
    if (this.pid(spec.root) === null) {
      await run(join(spec.binaries.bin, 'pg_ctl'), ['start', '-D', p.data, '-l', p.log, '-W', '-s', ...onceOptions(once)], {
        runAs: spec.runAs,
        cwd: spec.root,
      });
    }
    await this.waitReady(spec, timeoutMs);
  }

  /** Ready means a real connection answers a query, not a line in the log. */
  async waitReady(spec: InstanceSpec, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const startedAt = Date.now();
    let last = '';
    while (Date.now() < deadline) {
      try {
        await this.query(spec, 'SELECT 1');
        return;
      } catch (err) {
        last = (err as Error).message;
      }
      if (Date.now() - startedAt > 3000 && this.pid(spec.root) === null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`PostgreSQL did not become ready: ${last}; log: ${this.logTail(spec.root)}`);
  }

  logTail(root: string, lines = 5): string {
    return recentLog(root, 16 * 1024).trim().split('\n').slice(-lines).join(' | ') || '(no log)';
  }

  async stop(spec: InstanceSpec, mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (this.pid(spec.root) === null) return;
    await run(join(spec.binaries.bin, 'pg_ctl'), ['stop', '-D', paths(spec.root).data, '-m', mode, '-w', '-t', '60', '-s'], {
      runAs: spec.runAs,
      cwd: spec.root,
      timeoutMs: 90_000,
    });
  }

  async reload(spec: InstanceSpec): Promise<void> {
    await this.query(spec, 'SELECT pg_reload_conf()');
  }

  /** Runs SQL as the engine's superuser over the private Unix socket. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(spec: InstanceSpec, sql: string, params: unknown[] = [], database = 'postgres'): Promise<R[]> {
    return this.once<R>(spec, sql, params, database, { connectionTimeoutMillis: 5000 }, true);
  }

  /**
   * One query on a new connection, both bounded by `timeoutMs`: the health probe. A new connection each time,
   * because a hung postmaster (SIGSTOP) keeps its open sessions answering while it accepts no new one.
   */
  probe<R extends pg.QueryResultRow = pg.QueryResultRow>(spec: InstanceSpec, sql: string, timeoutMs = 2000): Promise<R[]> {
    // not awaiting the goodbye: a hung server never answers it
    return this.once<R>(spec, sql, [], 'postgres', { connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs }, false);
  }

  private async once<R extends pg.QueryResultRow>(
    spec: InstanceSpec, sql: string, params: unknown[], database: string, timeouts: Pick<pg.ClientConfig, 'connectionTimeoutMillis' | 'query_timeout'>,
    awaitEnd: boolean,
  ): Promise<R[]> {
    const client = new pg.Client({ host: paths(spec.root).run, port: spec.port, user: SUPERUSER, password: spec.password, database, ...timeouts });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.query<R>(sql, params)).rows;
    } finally {
      // awaited where the next statement may need the session gone (DROP DATABASE after a query in it)
      const end = client.end().catch(() => undefined);
      if (awaitEnd) await end;
    }
  }

  /** Immediate shutdown by signal, for an instance whose binaries or spec are unknown (leftovers). */
  async kill(root: string, timeoutMs = 10_000): Promise<void> {
    const pid = this.pid(root);
    if (pid === null) return;
    signal(pid, 'SIGQUIT');
    const deadline = Date.now() + timeoutMs;
    while (this.pid(root) !== null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (this.pid(root) !== null) signal(pid, 'SIGKILL');
  }

  remove(root: string): void {
    rmSync(root, { recursive: true, force: true });
  }

}

// md5 (set through password_encryption) still accepts SCRAM verifiers; scram-sha-256 refuses md5 ones.
export function hbaText(ipFilter: string[], method: 'md5' | 'scram-sha-256', replicaRoles: string[] = []): string {
  const lines = [
    '# Written by the pgdeck engine; edits are overwritten.',
    '# Over the Unix socket, in a 0700 directory only the service\'s OS user can enter: the engine',
    '# as the superuser, with a password only it holds; the service\'s PgBouncer as the users it pools,',
    '# identified by the kernel as the service\'s OS user (peer, map in pg_ident.conf). No trust anywhere.',
    `local all ${SUPERUSER} ${method}`,
    `local all all peer map=${IDENT_MAP}`,
    '# Standbys of the service stream over the same socket, as the same OS user.',
    `local replication ${REPLICATION_ROLE} peer map=${IDENT_MAP}`,
    '# The superuser never logs in over the network.',
    ...['0.0.0.0/0', '::/0'].flatMap((cidr) => [`host all ${SUPERUSER} ${cidr} reject`, `host replication ${SUPERUSER} ${cidr} reject`]),
    ...(replicaRoles.length ? ['# Read replicas on this host stream over TLS with their own role (SCRAM).'] : []),
    ...replicaRoles.map((r) => `hostssl replication "${r.replaceAll('"', '""')}" samehost scram-sha-256`),
    '# Clients: TLS only, SCRAM passwords, from the service ip-filter.',
    ...ipFilter.flatMap((cidr) => [`hostssl all all ${cidr} ${method}`, `hostssl replication all ${cidr} ${method}`]),
  ];
  return `${lines.join('\n')}\n`;
}

const IDENT_MAP = 'pgbouncer';

/**
 * Parameters for one start only (a recovery's restore_command and target): on the
 * command line, never in postgresql.conf, so they are gone at the next start and
 * leave no "pending restart" behind. pg_ctl hands -o to a shell: values are single-quoted.
 */
function onceOptions(once: Record<string, string>): string[] {
  const entries = Object.entries(once);
  if (!entries.length) return [];
  for (const [k, v] of entries) {
    if (!/^[a-z_]+$/.test(k) || /['\0\r\n]/.test(v)) throw new Error(`cannot pass ${k} on PostgreSQL's command line`);
  }
  return ['-o', entries.map(([k, v]) => `-c '${k}=${v}'`).join(' ')];
}

/** The OS user name peer authentication sees: the instance's own user, or the engine's. */
function osUserName(runAs: RunAs | null): string {
  return runAs?.name ?? userInfo().username;
}

/** pg_ident.conf: the instance's OS user may be each of these roles (the superuser is never among them). */
export function identText(osUser: string, roles: string[]): string {
  const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
  const lines = roles.filter((r) => r !== SUPERUSER).map((r) => `${IDENT_MAP} ${q(osUser)} ${q(r)}`);
  return `# Written by the pgdeck engine; edits are overwritten.\n${lines.join('\n')}\n`;
}
