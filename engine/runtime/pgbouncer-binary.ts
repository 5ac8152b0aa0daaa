// The installed PgBouncer: where it is and which version, since some settings
// (max_prepared_statements) exist only from 1.21 on.
import { existsSync } from 'node:fs';
import { run } from './process';

export interface PgBouncerBinary {
  bin: string;
  /** e.g. "1.18.0" */
  version: string;
}

const CANDIDATES = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer'];

/** PGDECK_PGBOUNCER or the usual places; null when none is installed. */
export async function findPgBouncer(env: NodeJS.ProcessEnv = process.env): Promise<PgBouncerBinary | null> {
  const bin = env.PGDECK_PGBOUNCER ?? CANDIDATES.find((c) => existsSync(c));
  if (!bin) return null;
  const out = await run(bin, ['--version']);
  const version = /PgBouncer (\d+\.\d+(?:\.\d+)?)/.exec(out)?.[1];
  if (!version) throw new Error(`${bin} --version printed no PgBouncer version: ${out.trim().split('\n')[0] ?? ''}`);
  return { bin, version };
}

/** a >= b for dotted versions ("1.18.0" >= "1.21" is false). */
export function versionAtLeast(a: string, b: string): boolean {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}
