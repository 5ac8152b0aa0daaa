// Which programs can take a cluster of one PostgreSQL major to a later one.
// pg_upgrade must run with the new major's own programs (it compares each one's
// `-V` with its own version), and the npm packages the engine runs ship neither
// pg_upgrade nor pg_dump: they come from Debian (15: bookworm's postgresql-15;
// 17 and 18: trixie's and sid's, made to run here by scripts/pg-tools.sh). No
// Debian release has 14 or 16: those are reached by a dump and restore. What is
// installed is found by looking at the files and asking each program, never assumed.
import { execFileSync } from 'node:child_process';
import { realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { installedMajors, knownMajors } from './binaries';
import { run } from './process';

export type UpgradePath =
  | { method: 'pg_upgrade'; bindir: string; version: string }
  | { method: 'dump'; bindir: string /* pg_dump, pg_dumpall, psql */; version: string }
  | { method: null; reason: string };

export interface ToolDir {
  major: string;
  /** e.g. 17.12 */
  version: string;
  bindir: string;
}

/** What pg_upgrade runs from the new cluster's bindir; each must report exactly pg_upgrade's own version. */
const PG_UPGRADE_PROGRAMS = ['pg_upgrade', 'postgres', 'pg_controldata', 'pg_ctl', 'pg_resetwal', 'pg_checksums', 'initdb', 'pg_dump',
  'pg_dumpall', 'pg_restore', 'psql', 'vacuumdb'];
const DUMP_PROGRAMS = ['pg_dump', 'pg_dumpall', 'psql'];
const MIGRATION_PROGRAMS = ['pg_dump', 'pg_restore'];
/** What pg_upgrade also wants in the OLD bindir, which the npm packages lack (it only checks they run). */
export const OLD_BINDIR_EXTRAS = ['pg_controldata', 'pg_resetwal'];

/**
 * pg_control's format per major (PG_CONTROL_VERSION in src/include/catalog/pg_control.h). pg_upgrade
 * reads the old cluster's pg_control with the pg_controldata in the old bindir: one of another major
 * reads it correctly when the format is the same.
 */
const CONTROL_VERSION: Record<string, number> = { 13: 1300, 14: 1300, 15: 1300, 16: 1300, 17: 1700, 18: 1800 };

export const toolsRoot = (): string => process.env.PGDECK_PG_TOOLS ?? '/opt/pgdeck/pg-tools';

/** Where a major's programs may be, in Debian's layout: pg-tools.sh's tree first, then Debian's own package. */
const bindirsOf = (major: string): string[] => [join(toolsRoot(), major, 'usr/lib/postgresql', major, 'bin'), `/usr/lib/postgresql/${major}/bin`];

/** `-V` answers per file (real path and modification time: a tree pg-tools.sh rebuilds is asked again). */
const answers = new Map<string, string | null>();
const VERSION_ENV = { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' } as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv;

function fileKey(program: string): string | null {
  try {
    const real = realpathSync(program);
    return `${real}@${statSync(real).mtimeMs}`;
  } catch {
    return null;
  }
}

/** `<program> -V`, e.g. "pg_dump (PostgreSQL) 17.12 (Debian 17.12-0+deb13u1)"; null when it is missing or does not run. */
function versionLine(program: string): string | null {
  const key = fileKey(program);
  if (key === null) return null;
  if (!answers.has(key)) {
    let line: string | null = null;
    try {
      // Synchronous, as upgradePath answers while a request is checked (preloadUpgradeTools spares that
      // wait): a version query with no input and nothing of the engine's in its environment.
      line = execFileSync(program, ['-V'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'], env: VERSION_ENV }).trim();
    } catch {
      line = null;
    }
    answers.set(key, line);
  }
  return answers.get(key) ?? null;
}

/**
 * Asks every program upgradePath may look at for its version, all at once: about 40 programs, a second
 * or two one after the other. Call it at start so that the first upgradePath does not block for that long.
 */
export async function preloadUpgradeTools(): Promise<void> {
  const programs = knownMajors.flatMap((m) => bindirsOf(m).flatMap((dir) => PG_UPGRADE_PROGRAMS.map((p) => join(dir, p))));
  await Promise.all(programs.map(async (program) => {
    const key = fileKey(program);
    if (key === null || answers.has(key)) return;
    answers.set(key, (await run(program, ['-V'], { timeoutMs: 10_000 }).catch(() => null))?.trim() ?? null);
  }));
}

/** The first bindir of `major` where every one of `programs` runs and says the same version of that major. */
export function toolsOf(major: string, programs: string[]): ToolDir | null {
  for (const bindir of bindirsOf(major)) {
    const lines = programs.map((p) => versionLine(join(bindir, p)));
    const rest = lines[0]?.replace(/^\S+ /, '');
    const m = rest ? /^\(PostgreSQL\) (\d+)\.(\d+)/.exec(rest) : null;
    if (!m || m[1] !== major || !lines.every((l, i) => l === `${programs[i]} ${rest}`)) continue;
    return { major, version: `${m[1]}.${m[2]}`, bindir };
  }
  return null;
}

/**
 * The bindir of a pg_rewind of `major`, or null: pg_rewind refuses a cluster of another major (measured: Debian's 15
 * on an 18 directory, "unexpected control file CRC"), so only one whose `-V` reports that very major will do.
 */
export const rewindTool = (major: string): string | null => toolsOf(major, ['pg_rewind'])?.bindir ?? null;

/** A bindir with a pg_controldata and pg_resetwal that read `source`'s pg_control (its own major first). */
export function controlDataTools(source: string): ToolDir | null {
  const same = knownMajors.filter((m) => CONTROL_VERSION[m] === CONTROL_VERSION[source]);
  for (const m of [source, ...same.filter((m) => m !== source)]) {
    const tools = toolsOf(m, OLD_BINDIR_EXTRAS);
    if (tools) return tools;
  }
  return null;
}

/**
 * Client programs for a dump and restore: at least as new as the source (pg_dump cannot read a newer
 * server) and no newer than the target, whose server may not take what a newer pg_dump writes. One
 * exception: 15's output restores into 14 once its CREATE DATABASE loses LOCALE_PROVIDER (dumpRestore
 * drops it; a migration never dumps with --create), so 13 → 14 works with Debian's 15. The newest
 * that fits is taken.
 */
function dumpTools(source: string, target: string, programs = DUMP_PROGRAMS): ToolDir | null {
  const fits = knownMajors.filter((m) => (Number(m) >= Number(source) && Number(m) <= Number(target)) || (m === '15' && target === '14'));
  for (const m of [...fits].reverse()) {
    const tools = toolsOf(m, programs);
    if (tools) return tools;
  }
  return null;
}

/** `reason` and `version` are typed absent on the other side, so `if (!t.bindir) throw new Error(t.reason)` reads well. */
export type MigrationTools = { bindir: string; version: string; reason?: undefined } | { bindir: null; reason: string; version?: undefined };

/**
 * The pg_dump and pg_restore a migration from a server of major `source` (10 and later) into a
 * service of major `target` runs, or why there is none. Unlike upgradePath, the same major is fine.
 */
export function migrationTools(source: string, target: string): MigrationTools {
  if (Number(source) > Number(target)) {
    return { bindir: null, reason: `PostgreSQL ${target} cannot take a dump of PostgreSQL ${source}: a migration only goes to the same or a later major.` };
  }
  const tools = dumpTools(source, target, MIGRATION_PROGRAMS);
  if (tools) return { bindir: tools.bindir, version: tools.version };
  const installed = knownMajors.filter((m) => toolsOf(m, MIGRATION_PROGRAMS));
  return {
    bindir: null,
    reason: `No pg_dump and pg_restore fit a migration from PostgreSQL ${source} into ${target}: they must be of a major from ${source} ` +
      `to ${target}${target === '14' ? ' (or 15)' : ''}, and this machine has ${installed.length ? installed.join(', ') : 'none'}. ` +
      'scripts/setup.sh (as root) installs 15, 17 and 18.',
  };
}

/** How a cluster of major `source` becomes one of major `target` on this machine, or why it cannot. */
export function upgradePath(source: string, target: string): UpgradePath {
  for (const m of [source, target]) {
    if (!(knownMajors as readonly string[]).includes(m)) return { method: null, reason: `PostgreSQL ${m} is not a major version pgdeck runs (13 to 18).` };
  }
  if (Number(target) <= Number(source)) {
    return { method: null, reason: `PostgreSQL ${target} is not newer than ${source}: a major upgrade only goes to a later major.` };
  }
  const installed = new Set(installedMajors().map((b) => b.major));
  for (const m of [source, target]) {
    if (!installed.has(m)) return { method: null, reason: `PostgreSQL ${m}'s server binaries (the npm package pg${m}) are not installed.` };
  }
  const upgrade = toolsOf(target, PG_UPGRADE_PROGRAMS);
  if (upgrade && controlDataTools(source)) return { method: 'pg_upgrade', bindir: upgrade.bindir, version: upgrade.version };
  const dump = dumpTools(source, target);
  if (dump) return { method: 'dump', bindir: dump.bindir, version: dump.version };
  const why = upgrade
    ? `no pg_controldata that reads PostgreSQL ${source}'s control file is installed`
    : `PostgreSQL ${target}'s own pg_upgrade, server and client programs are not installed`;
  return {
    method: null,
    reason: `PostgreSQL ${source} cannot be upgraded to ${target} here: ${why}, and neither is a pg_dump of PostgreSQL ${source} to ${target} ` +
      'for a dump and restore. Run scripts/setup.sh as root to install them.',
  };
}
