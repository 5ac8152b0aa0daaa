// One PostgreSQL instance on this machine: its files, configuration the
// engine owns, and its process (started detached so it outlives the engine).
import { chmodSync, chownSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Binaries } from './binaries';
import { run, type RunAs } from './process';
import { confValue } from './sql-text';

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
  log: join(root, 'postgres.log'),
});

export class InstanceRuntime {
  constructor(readonly runAs: RunAs | null) {}

  /** Creates a directory owned by the unprivileged user, readable by nobody else. */
  ownedDir(dir: string): void {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    if (this.runAs) chownSync(dir, this.runAs.uid, this.runAs.gid);
  }

  /** Writes a file owned by the unprivileged user, atomically. */
  writeOwned(file: string, text: string, mode = 0o600): void {
    writeFileSync(`${file}.tmp`, text, { mode });
    if (this.runAs) chownSync(`${file}.tmp`, this.runAs.uid, this.runAs.gid);
    // rename keeps the switch atomic: postgres never reads a half-written file
    renameSync(`${file}.tmp`, file);
  }

  /** initdb into `root/data`, as the unprivileged user. */
  async initdb(root: string, b: Binaries): Promise<void> {
    const p = paths(root);
    this.ownedDir(root);
    rmSync(p.data, { recursive: true, force: true });
    await run(join(b.bin, 'initdb'), ['-D', p.data, '-U', SUPERUSER, '--auth-local=trust', '--auth-host=reject',
      '-E', 'UTF8', '--locale=C.UTF-8'], { runAs: this.runAs, cwd: root, timeoutMs: 300_000 });
  }

  /**
   * Copies a prepared cluster (cp -a, reflinks where the file system allows)
   * into a fresh directory, then renames it into place: a copy left running by
   * a killed engine never writes into the data directory that is used.
   */
  async copyCluster(fromRoot: string, toRoot: string): Promise<void> {
    this.ownedDir(toRoot);
    const target = paths(toRoot).data;
    const work = `${target}.copy-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    await run('/bin/cp', ['-a', '--reflink=auto', paths(fromRoot).data, work], { runAs: this.runAs, timeoutMs: 300_000 });
    // The copy must survive a power cut before the first checkpoint.
    await run('/bin/sync', ['-f', work], { runAs: this.runAs }).catch(() => undefined);
    rmSync(target, { recursive: true, force: true });
    renameSync(work, target);
  }

  /** Writes postgresql.conf, pg_hba.conf and the TLS files. The engine owns them all. */
  writeConfig(spec: InstanceSpec, tls?: Tls): void {
    const p = paths(spec.root);
    this.ownedDir(p.run);
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
      logging_collector: false,
      log_destination: 'stderr',
      log_line_prefix: '%m [%p] %q%u@%d ',
      log_timezone: 'UTC',
      timezone: 'UTC',
      lc_messages: 'C',
      dynamic_shared_memory_type: 'posix',
      ...spec.settings,
    };
    const conf = Object.entries(settings).map(([k, v]) => `${k} = ${confValue(v)}`).join('\n');
    if (tls) {
      this.writeOwned(join(p.data, 'server.crt'), tls.cert, 0o644);
      this.writeOwned(join(p.data, 'server.key'), tls.key, 0o600);
    }
    this.writeOwned(join(p.data, 'postgresql.conf'), `# Written by the pgdeck engine; edits are overwritten.\n${conf}\n`);
    this.writeOwned(join(p.data, 'pg_hba.conf'), hbaText(spec.ipFilter, spec.settings.password_encryption === 'md5' ? 'md5' : 'scram-sha-256'));
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
  async start(spec: InstanceSpec, timeoutMs = 60_000): Promise<void> {
    const p = paths(spec.root);
    if (this.pid(spec.root) === null) {
      await run(join(spec.binaries.bin, 'pg_ctl'), ['start', '-D', p.data, '-l', p.log, '-W', '-s'], {
        runAs: this.runAs,
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
    try {
      return readFileSync(paths(root).log, 'utf8').trim().split('\n').slice(-lines).join(' | ');
    } catch {
      return '(no log)';
    }
  }

  async stop(spec: InstanceSpec, mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (this.pid(spec.root) === null) return;
    await run(join(spec.binaries.bin, 'pg_ctl'), ['stop', '-D', paths(spec.root).data, '-m', mode, '-w', '-t', '60', '-s'], {
      runAs: this.runAs,
      cwd: spec.root,
      timeoutMs: 90_000,
    });
  }

  async reload(spec: InstanceSpec): Promise<void> {
    await this.query(spec, 'SELECT pg_reload_conf()');
  }

  /** Runs SQL as the engine's superuser over the private Unix socket. */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    spec: InstanceSpec,
    sql: string,
    params: unknown[] = [],
    database = 'postgres',
  ): Promise<R[]> {
    const client = new pg.Client({ host: paths(spec.root).run, port: spec.port, user: SUPERUSER, database, connectionTimeoutMillis: 5000 });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query<R>(sql, params)).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Immediate shutdown by signal, for an instance whose binaries or spec are unknown (leftovers). */
  async kill(root: string, timeoutMs = 10_000): Promise<void> {
    const pid = this.pid(root);
    if (pid === null) return;
    process.kill(pid, 'SIGQUIT');
    const deadline = Date.now() + timeoutMs;
    while (this.pid(root) !== null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (this.pid(root) !== null) process.kill(pid, 'SIGKILL');
  }

  remove(root: string): void {
    rmSync(root, { recursive: true, force: true });
  }

}

// md5 (set through password_encryption) still accepts SCRAM verifiers; scram-sha-256 refuses md5 ones.
function hbaText(ipFilter: string[], method: 'md5' | 'scram-sha-256'): string {
  const lines = [
    '# Written by the pgdeck engine; edits are overwritten.',
    '# The engine (as the superuser) and the service\'s PgBouncer (as the pooled users, which',
    '# authenticated their clients already) connect over the Unix socket in a 0700 directory',
    '# that only the unprivileged user can enter.',
    'local all all trust',
    '# Clients: TLS only, SCRAM passwords, from the service ip-filter.',
    ...ipFilter.flatMap((cidr) => [`hostssl all all ${cidr} ${method}`, `hostssl replication all ${cidr} ${method}`]),
  ];
  return `${lines.join('\n')}\n`;
}
