// A major upgrade of one cluster, by pg_upgrade with the new major's own programs, or by a dump and
// restore between two running servers (for 14 and 16, which no Debian release packages). What runs
// which programs is chosen in upgrade-tools.ts; the engine's own initdb options are InstanceRuntime's.
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { InstanceRuntime, SUPERUSER } from './instance';
import { CommandError, run, type RunAs } from './process';
import { reportedProblems, type UpgradeProblem } from './pg-upgrade-report';
import { controlDataTools, OLD_BINDIR_EXTRAS } from './upgrade-tools';

export type { UpgradeProblem } from './pg-upgrade-report';

const HOUR = 3_600_000;
/** Copying is pg_upgrade's default (an explicit --copy exists only from 16 on). */
const MODE_ARGS = { check: ['--check'], link: ['--link'], copy: [] } as const;
/** Where pg_upgrade 15 and later write their logs and reports, in the new data directory. */
const OUTPUT_DIR = 'pg_upgrade_output.d';

/** Major and version ("17.12") of the programs in `bindir`, from its postgres. */
async function versionOf(bindir: string, runAs: RunAs | null): Promise<{ major: string; version: string }> {
  const out = await run(join(bindir, 'postgres'), ['-V'], { runAs, timeoutMs: 10_000 });
  const m = /\(PostgreSQL\) (\d+)\.(\d+)/.exec(out);
  if (!m?.[1]) throw new Error(`${bindir}/postgres reports no version: ${out.trim()}`);
  return { major: m[1], version: `${m[1]}.${m[2]}` };
}

/**
 * initdb into `root/data` with the target's own initdb (Debian's for pg_upgrade, npm's for a dump and
 * restore) and exactly the options the engine's clusters get (InstanceRuntime.initdb).
 */
export async function initNewCluster(root: string, bindir: string, runAs: RunAs | null, password: string): Promise<void> {
  const { major, version } = await versionOf(bindir, runAs);
  await new InstanceRuntime(runAs).initdb(root, { major, version, bin: bindir }, password);
}

export interface PgUpgradeOptions {
  oldData: string;
  /** The old major's server binaries (the npm package's). */
  oldBin: string;
  /** A cluster initNewCluster made with `newBin`'s initdb, never started. */
  newData: string;
  /** upgradePath's bindir: the target major's own pg_upgrade, server and client programs. */
  newBin: string;
  oldPort: number;
  newPort: number;
  runAs: RunAs | null;
  /** The superuser's password in both clusters (local logins are SCRAM: nothing is trust). */
  password: string;
  /**
   * Owned by `runAs`, pg_upgrade's own: its working and socket directory (keep the path short: a socket's allows
   * ~100 bytes), where it leaves delete_old_cluster.sh and, when extensions need it, update_extensions.sql.
   */
  workDir: string;
  mode: 'check' | 'link' | 'copy';
  /** --check against the old server while it runs (pg_upgrade reads its socket directory from postmaster.pid). */
  live?: boolean;
  timeoutMs?: number;
}

export interface PgUpgradeResult {
  ok: boolean;
  output: string;
  problems: UpgradeProblem[];
}

/**
 * Runs pg_upgrade as `runAs`. A failure answers ok: false with what pg_upgrade printed and the problems
 * it reported, per check and database; it never throws for pg_upgrade's own refusal.
 */
export async function pgUpgrade(o: PgUpgradeOptions): Promise<PgUpgradeResult> {
  if (o.live && o.mode !== 'check') throw new Error('pg_upgrade can only check a running old cluster');
  // pg_upgrade itself checks live when the old server runs, else starts it: say so rather than check something else
  if (o.live && !existsSync(join(o.oldData, 'postmaster.pid'))) throw new Error('a live check needs the old server running');
  const oldMajor = readFileSync(join(o.oldData, 'PG_VERSION'), 'utf8').trim();
  // an earlier run's reports are not this one's (nor left in the data directory the upgrade produces)
  for (const f of reportFiles(o)) rmSync(f, { force: true });
  rmSync(join(o.newData, OUTPUT_DIR), { recursive: true, force: true });
  try {
    const oldBin = oldBindir(o.oldBin, oldMajor, o.workDir);
    await matchChecksums(o, oldBin);
    const jobs = Math.max(1, Math.min(4, availableParallelism()));
    // pg_upgrade's servers listen on its socket directory only, so a port just names a socket; a live check wants two
    const newPort = o.live && o.newPort === o.oldPort ? (o.oldPort === 65535 ? o.oldPort - 1 : o.oldPort + 1) : o.newPort;
    const args = ['-b', oldBin, '-B', o.newBin, '-d', o.oldData, '-D', o.newData, '-p', String(o.oldPort), '-P', String(newPort),
      '-U', SUPERUSER, '--socketdir', o.workDir, '-j', String(jobs), ...MODE_ARGS[o.mode]];
    const env = { PGPASSWORD: o.password, LC_MESSAGES: 'C' };
    const output = await run(join(o.newBin, 'pg_upgrade'), args, { runAs: o.runAs, cwd: o.workDir, env, timeoutMs: o.timeoutMs ?? 6 * HOUR });
    return { ok: true, output, problems: [] };
  } catch (err) {
    if (!(err instanceof CommandError) || !err.command.startsWith('pg_upgrade')) throw err;
    return { ok: false, output: err.output, problems: reportedProblems(err.output, reportFiles(o)) };
  } finally {
    for (const d of helperDirs(o.workDir, oldMajor)) rmSync(d, { recursive: true, force: true });
  }
}

/**
 * pg_upgrade also wants pg_controldata and pg_resetwal in the old bindir, which the npm packages lack:
 * a directory of links to the old server's programs and to a pg_controldata that reads its pg_control.
 * pg_resetwal is run there only as `-V` and `-n DATADIR` (reading pg_control), and refuses a data
 * directory of another major: when none of the old major is installed (13, 14 and 16 here: Debian
 * ships no 14 or 16), one of the same pg_control format reads it through a view of the directory that names its own
 * major in PG_VERSION (pg_control and pg_wal linked, nothing written: -n only prints).
 */
function oldBindir(bin: string, major: string, workDir: string): string {
  if (OLD_BINDIR_EXTRAS.every((p) => existsSync(join(bin, p)))) return bin;
  const control = controlDataTools(major);
  if (!control) throw new Error(`no pg_controldata that reads PostgreSQL ${major}'s control file is installed (scripts/setup.sh)`);
  const [dir, view] = helperDirs(workDir, major);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { mode: 0o755 });
  // programs find their share/ and lib/ from their real path, so links keep each one with its own files
  for (const p of readdirSync(bin)) symlinkSync(join(bin, p), join(dir, p));
  if (!existsSync(join(bin, 'pg_controldata'))) symlinkSync(join(control.bindir, 'pg_controldata'), join(dir, 'pg_controldata'));
  if (existsSync(join(bin, 'pg_resetwal'))) return dir;
  if (control.major === major) {
    symlinkSync(join(control.bindir, 'pg_resetwal'), join(dir, 'pg_resetwal'));
    return dir;
  }
  const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  writeFileSync(join(dir, 'pg_resetwal'), [
    '#!/bin/sh',
    `# PostgreSQL ${control.major}'s pg_resetwal reading PostgreSQL ${major}'s pg_control (same format), for pg_upgrade (pg-upgrade.ts)`,
    'set -e',
    `real=${q(join(control.bindir, 'pg_resetwal'))}`,
    `view=${q(view)}`,
    'if [ "$#" -eq 2 ] && [ "$1" = -n ]; then',
    '  rm -rf "$view" && mkdir -m 700 -p "$view/global"',
    `  echo ${control.major} > "$view/PG_VERSION"`,
    '  ln -s "$2/global/pg_control" "$view/global/pg_control"',
    '  ln -s "$2/pg_wal" "$view/pg_wal"',
    '  exec "$real" -n "$view"',
    'fi',
    'exec "$real" "$@"',
    '',
  ].join('\n'), { mode: 0o755 });
  return dir;
}

/** The old bindir oldBindir assembles and its pg_resetwal's view, in pg_upgrade's working directory. */
const helperDirs = (workDir: string, major: string): [string, string] => [join(workDir, `old-bin-${major}`), join(workDir, `pg_resetwal-view-${major}`)];

/**
 * pg_upgrade refuses clusters that differ in data checksums, and initdb's default changed in 18
 * (on): the new cluster, never started yet, is switched to match the old one.
 */
async function matchChecksums(o: PgUpgradeOptions, oldBin: string): Promise<void> {
  const checksums = async (bindir: string, data: string): Promise<boolean> => {
    const out = await run(join(bindir, 'pg_controldata'), ['-D', data], { runAs: o.runAs, env: { LC_MESSAGES: 'C' }, timeoutMs: 30_000 });
    const m = /^Data page checksum version:\s+(\d+)/m.exec(out);
    if (!m) throw new Error(`pg_controldata of ${data} reports no data page checksum version`);
    return m[1] !== '0';
  };
  const [before, after] = await Promise.all([checksums(oldBin, o.oldData), checksums(o.newBin, o.newData)]);
  if (before === after) return;
  await run(join(o.newBin, 'pg_checksums'), [before ? '--enable' : '--disable', '--no-sync', '-D', o.newData], { runAs: o.runAs, timeoutMs: 600_000 });
}

/** The report files pg_upgrade writes: 15 and later in <newData>/pg_upgrade_output.d/<timestamp>/, before that in its cwd. */
function reportFiles(o: PgUpgradeOptions): string[] {
  const outputDir = join(o.newData, OUTPUT_DIR);
  const dirs = [o.workDir, ...(existsSync(outputDir) ? readdirSync(outputDir).map((d) => join(outputDir, d)) : [])];
  return dirs.flatMap((dir) => {
    try {
      return readdirSync(dir).filter((f) => f.endsWith('.txt')).map((f) => join(dir, f));
    } catch {
      return [];
    }
  });
}

export interface Endpoint {
  socketDir: string;
  port: number;
}

export interface DumpRestoreOptions {
  from: Endpoint;
  /** A server initNewCluster made, running: its only role is the bootstrap superuser (a role already there stops the restore). */
  to: Endpoint;
  /** upgradePath's bindir for 'dump': pg_dump, pg_dumpall and psql at least as new as the old server. */
  bindir: string;
  runAs: RunAs | null;
  /** The superuser's password on both servers. */
  password: string;
  /** What to carry over (never template0/template1); each is dropped on the new server first if it exists there. */
  databases: string[];
  /** Owned by `runAs`, with room for a plain dump of the largest database; a temporary one when omitted. */
  workDir?: string;
  timeoutMs?: number;
}

/**
 * Copies roles (with their password verifiers and memberships) and then each database, with its
 * settings and privileges, from the running old server to the running new one. Throws on the first
 * error either side reports: a restore never half-succeeds quietly.
 */
export async function dumpRestore(o: DumpRestoreOptions): Promise<void> {
  const templates = o.databases.filter((d) => d === 'template0' || d === 'template1');
  if (templates.length) throw new Error(`template databases are not carried over: ${templates.join(', ')}`);
  const work = o.workDir ?? mkdtempSync(join(tmpdir(), 'pgdeck-dump-'));
  if (!o.workDir) new InstanceRuntime(o.runAs).ownedDir(work, o.runAs);
  const timeoutMs = o.timeoutMs ?? 6 * HOUR;
  const env = (at: Endpoint, database: string) =>
    // the database by environment: a name given with -d could be read as a connection string
    ({ PGHOST: at.socketDir, PGPORT: String(at.port), PGUSER: SUPERUSER, PGPASSWORD: o.password, PGDATABASE: database, LC_MESSAGES: 'C' });
  const tool = (name: string) => join(o.bindir, name);
  const psql = (file: string) => [`-X`, '-q', '-v', 'ON_ERROR_STOP=1', '-o', '/dev/null', '-f', file];
  try {
    const targetMajor = Number((await run(tool('psql'), ['-X', '-tA', '-c', 'SHOW server_version_num'], { runAs: o.runAs, env: env(o.to, 'postgres') })).trim()) / 10000;
    const dumpMajor = Number((await versionOf(o.bindir, o.runAs)).major);

    const globals = join(work, 'globals.sql');
    await run(tool('pg_dumpall'), ['--globals-only', '-f', globals], { runAs: o.runAs, env: env(o.from, 'postgres'), timeoutMs });
    // The bootstrap superuser exists on both sides: the new server keeps its own (its password is the engine's).
    const kept = readFileSync(globals, 'utf8').split('\n').filter((l) => l !== `CREATE ROLE ${SUPERUSER};` && !l.startsWith(`ALTER ROLE ${SUPERUSER} WITH `));
    await run(tool('psql'), psql('-'), { runAs: o.runAs, env: env(o.to, 'template1'), input: kept.join('\n'), timeoutMs });

    for (const [i, database] of o.databases.entries()) {
      // In three sections (the old server takes no writes meanwhile, so they agree). Definitions and indexes as the
      // superuser; the rows as each table's owner (--use-set-session-authorization): a CHECK constraint or a
      // default a non-superuser wrote runs as that user while rows load, never as the superuser.
      const sections = [
        { section: 'pre-data', extra: ['--create', '--clean', '--if-exists'], into: 'template1' },
        { section: 'data', extra: ['--use-set-session-authorization'], into: database },
        { section: 'post-data', extra: [], into: database },
      ];
      // pre-data drops the database on the new server first (--clean): a session left in it (the new server takes no
      // clients, but an engine task may have looked at it) would make that DROP fail
      // (the statement on stdin, where psql expands :'db' as a quoted literal)
      await run(tool('psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-v', `db=${database}`, '-o', '/dev/null'], {
        runAs: o.runAs, env: env(o.to, 'template1'), timeoutMs,
        input: "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :'db' AND pid <> pg_backend_pid();\n",
      });
      for (const { section, extra, into } of sections) {
        const file = join(work, `db-${i}-${section}.sql`);
        await run(tool('pg_dump'), [`--section=${section}`, ...extra, '-f', file], { runAs: o.runAs, env: env(o.from, database), timeoutMs });
        if (section === 'pre-data' && Math.floor(targetMajor) < 15 && dumpMajor >= 15) blankLocaleProvider(file);
        await run(tool('psql'), psql(file), { runAs: o.runAs, env: env(o.to, into), timeoutMs });
        rmSync(file, { force: true });
      }
    }
  } finally {
    if (!o.workDir) rmSync(work, { recursive: true, force: true });
    else for (const f of readdirSync(work)) if (/^(globals|db-\d+(-[a-z-]+)?)\.sql$/.test(f)) rmSync(join(work, f), { force: true });
  }
}

/**
 * pg_dump 15 and later write CREATE DATABASE ... LOCALE_PROVIDER = libc, which 14 does not know.
 * The clause is overwritten with spaces where it stands (a dump can be large: only its head is touched).
 */
function blankLocaleProvider(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    const head = Buffer.alloc(64 * 1024);
    const n = readSync(fd, head, 0, head.length, 0);
    const text = head.subarray(0, n).toString('latin1');
    const line = /^CREATE DATABASE .*$/m.exec(text);
    if (!line) return;
    const at = line[0].lastIndexOf(' LOCALE_PROVIDER = libc');
    if (at < 0) return;
    const clause = ' LOCALE_PROVIDER = libc';
    writeSync(fd, Buffer.from(' '.repeat(clause.length)), 0, clause.length, line.index + at);
  } finally {
    closeSync(fd);
  }
}
