// A prepared cluster per PostgreSQL version: initdb once, add the default
// admin role and database, stop cleanly. New services copy it, which is
// faster than running initdb for each of them.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Binaries } from './binaries';
import type { InstanceRuntime, InstanceSpec } from './instance';
import { processesUnder, signal } from './process';
import { quoteIdent } from './sql-text';

export const TEMPLATE_ADMIN = 'avnadmin';
export const DEFAULT_DATABASE = 'defaultdb';

/** What the template's own server reports in pg_settings, kept beside it: the settings schema is built from it. */
export const PG_SETTINGS_FILE = 'pg_settings.json';

export interface PgSettingRow {
  name: string;
  setting: string;
  unit: string | null;
  vartype: 'bool' | 'enum' | 'integer' | 'real' | 'string';
  min_val: string | null;
  max_val: string | null;
  enumvals: string[] | null;
  context: string;
  short_desc: string;
  boot_val: string | null;
}

const building = new Map<string, Promise<string>>();

/**
 * Before PostgreSQL 16, CREATEROLE lets a role grant itself any role but
 * superuser, pg_execute_server_program (programs run as the server's OS user)
 * and pg_read/write_server_files among them. From 16 on it may grant only the
 * roles it holds with ADMIN OPTION, so the admin keeps it there.
 */
export const adminMayCreateRoles = (major: string): boolean => Number(major) >= 16;

/** Roles that reach outside the database (the server's files and programs): no service role may hold them. */
export const SERVER_ROLES = ['pg_execute_server_program', 'pg_read_server_files', 'pg_write_server_files'] as const;

/** The root of the template cluster for these binaries, built on first use. */
export function ensureTemplate(runtime: InstanceRuntime, templatesDir: string, b: Binaries): Promise<string> {
  const root = join(templatesDir, b.version);
  // A template from an older engine has no pg_settings.json: build it again.
  if (existsSync(join(root, 'ready')) && existsSync(join(root, PG_SETTINGS_FILE))) return Promise.resolve(root);
  let pending = building.get(root);
  if (!pending) {
    pending = build(runtime, root, b).finally(() => building.delete(root));
    building.set(root, pending);
  }
  return pending;
}

/** The pg_settings rows a template's server reported when it was built. */
export function readPgSettings(templateRoot: string): PgSettingRow[] {
  return JSON.parse(readFileSync(join(templateRoot, PG_SETTINGS_FILE), 'utf8')) as PgSettingRow[];
}

/**
 * Builds in a directory of its own and publishes it by rename once stopped:
 * an engine killed mid-build leaves only a `*.build-*` directory, which
 * `removeAbandonedBuilds` clears at the next start, never a half-made template.
 */
async function build(runtime: InstanceRuntime, root: string, b: Binaries): Promise<string> {
  const work = `${root}.build-${randomBytes(4).toString('hex')}`;
  // This password lives only while the template is built: every copy gets its own (setSuperuserPassword).
  const password = randomBytes(32).toString('base64url');
  await runtime.initdb(work, b, password);
  // Socket only, no TCP, no TLS: nobody but the engine ever talks to a template.
  const spec: InstanceSpec = { root: work, port: 5432, listen: '', binaries: b, ipFilter: [], settings: { ssl: false }, runAs: runtime.runAs, password };
  runtime.writeConfig(spec);
  await runtime.start(spec);
  try {
    const admin = quoteIdent(TEMPLATE_ADMIN);
    await runtime.query(spec, `CREATE ROLE ${admin} LOGIN CREATEDB ${adminMayCreateRoles(b.major) ? 'CREATEROLE ' : ''}REPLICATION`);
    await runtime.query(spec, `GRANT pg_monitor, pg_signal_backend TO ${admin}`);
    await runtime.query(spec, `CREATE DATABASE ${quoteIdent(DEFAULT_DATABASE)} OWNER ${admin}`);
    const rows = await runtime.query<PgSettingRow>(spec,
      'SELECT name, setting, unit, vartype, min_val, max_val, enumvals, context, short_desc, boot_val FROM pg_settings ORDER BY name');
    writeFileSync(join(work, PG_SETTINGS_FILE), `${JSON.stringify(rows, null, 1)}\n`);
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
      if (name.includes('.build-')) {
        await runtime.kill(dir);
        // an initdb (and its single-user postgres) or a cp left by a killed engine runs in that directory
        for (const p of processesUnder(dir)) signal(p.pid, 'SIGKILL');
        for (let i = 0; i < 100 && processesUnder(dir).length; i++) await new Promise((r) => setTimeout(r, 50));
      }
      if (name.includes('.build-') || !existsSync(join(dir, 'ready'))) runtime.remove(dir);
    } catch (err) {
      // an initdb left running by a killed engine may still be writing there; try again next start
      console.error(`could not remove the abandoned template build ${dir}: ${(err as Error).message}`);
    }
  }
}
