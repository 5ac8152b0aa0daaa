// A prepared cluster per PostgreSQL version: initdb once, add the default
// admin role and database, stop cleanly. New services copy it, which is
// faster than running initdb for each of them.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Binaries } from './binaries';
import type { InstanceRuntime, InstanceSpec } from './instance';
import { quoteIdent } from './sql-text';

export const TEMPLATE_ADMIN = 'avnadmin';
export const DEFAULT_DATABASE = 'defaultdb';

const building = new Map<string, Promise<string>>();

/** The root of the template cluster for these binaries, built on first use. */
export function ensureTemplate(runtime: InstanceRuntime, templatesDir: string, b: Binaries): Promise<string> {
  const root = join(templatesDir, b.version);
  if (existsSync(join(root, 'ready'))) return Promise.resolve(root);
  let pending = building.get(root);
  if (!pending) {
    pending = build(runtime, root, b).finally(() => building.delete(root));
    building.set(root, pending);
  }
  return pending;
}

/**
 * Builds in a directory of its own and publishes it by rename once stopped:
 * an engine killed mid-build leaves only a `*.build-*` directory, which
 * `removeAbandonedBuilds` clears at the next start, never a half-made template.
 */
async function build(runtime: InstanceRuntime, root: string, b: Binaries): Promise<string> {
  const work = `${root}.build-${randomBytes(4).toString('hex')}`;
  await runtime.initdb(work, b);
  // Socket only, no TCP, no TLS: nobody but the engine ever talks to a template.
  const spec: InstanceSpec = { root: work, port: 5432, listen: '', binaries: b, ipFilter: [], settings: { ssl: false } };
  runtime.writeConfig(spec);
  await runtime.start(spec);
  try {
    const admin = quoteIdent(TEMPLATE_ADMIN);
    await runtime.query(spec, `CREATE ROLE ${admin} LOGIN CREATEDB CREATEROLE REPLICATION`);
    await runtime.query(spec, `GRANT pg_monitor, pg_signal_backend TO ${admin}`);
    await runtime.query(spec, `CREATE DATABASE ${quoteIdent(DEFAULT_DATABASE)} OWNER ${admin}`);
  } finally {
    await runtime.stop(spec);
  }
  writeFileSync(join(work, 'ready'), new Date().toISOString());
  runtime.remove(root);
  renameSync(work, root);
  return root;
}

/** Stops what an interrupted build left running and removes its directory. */
export async function removeAbandonedBuilds(runtime: InstanceRuntime, templatesDir: string): Promise<void> {
  if (!existsSync(templatesDir)) return;
  for (const name of readdirSync(templatesDir)) {
    const dir = join(templatesDir, name);
    try {
      if (name.includes('.build-')) await runtime.kill(dir);
      if (name.includes('.build-') || !existsSync(join(dir, 'ready'))) runtime.remove(dir);
    } catch (err) {
      // an initdb left running by a killed engine may still be writing there; try again next start
      console.error(`could not remove the abandoned template build ${dir}: ${(err as Error).message}`);
    }
  }
}
