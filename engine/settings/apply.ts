// Configuration meeting a running PostgreSQL: whether it accepts the file as
// written (asked before any reload, so a refused value is never half-applied),
// the reload itself, and which parameters wait for a restart.
import { join } from 'node:path';
import { ApiError } from '@/lib/api-v2/errors';
import { paths, type ConfValue, type InstanceRuntime, type InstanceSpec } from '../runtime/instance';
import { CommandError, run } from '../runtime/process';
import { ensureTemplate } from '../runtime/templates';
import type { SettingsContext } from './context';
import { pgKeys } from './pg-keys';

/** The API field a PostgreSQL parameter is set by. */
export function fieldOf(parameter: string): string {
  const name = parameter.toLowerCase();
  if (name === 'shared_buffers') return 'shared-buffers-percentage';
  if (name === 'work_mem') return 'work-mem';
  const key = pgKeys.find((k) => k.pg === name);
  return key ? `pg-settings.${key.group ? `${key.group}.` : ''}${key.key}` : name;
}

/**
 * PostgreSQL's verdict on postgresql.conf as written: pg_file_settings parses
 * the file at each query. A changed parameter that waits for a restart is
 * listed with an error too; that is no refusal.
 */
export async function refusal(runtime: InstanceRuntime, spec: InstanceSpec): Promise<ApiError | null> {
  const [r] = await runtime.query<{ name: string | null; setting: string | null; error: string }>(
    spec,
    `SELECT f.name, f.setting, f.error FROM pg_file_settings f LEFT JOIN pg_settings s ON lower(s.name) = lower(f.name)
      WHERE f.error IS NOT NULL AND s.context IS DISTINCT FROM 'postmaster' ORDER BY f.seqno LIMIT 1`,
  );
  if (!r) return null;
  const field = r.name ? fieldOf(r.name) : 'pg-settings';
  return new ApiError('incorrect', `${field}: PostgreSQL does not accept ${JSON.stringify(r.setting)} for ${r.name} (${r.error})`, field);
}

/** Reloads, waits until the postmaster has read the file, and names the parameters that wait for a restart. */
export async function reloadConfig(runtime: InstanceRuntime, spec: InstanceSpec): Promise<string[]> {
  const loadTime = async () => (await runtime.query<{ t: string }>(spec, 'SELECT pg_conf_load_time()::text AS t'))[0]?.t;
  const before = await loadTime();
  await runtime.reload(spec);
  // pg_reload_conf() only signals the postmaster; new sessions see its new load time once it has read the file
  for (const deadline = Date.now() + 10_000; (await loadTime()) === before && Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const rows = await runtime.query<{ name: string }>(spec, 'SELECT name FROM pg_settings WHERE pending_restart ORDER BY name');
  return rows.map((r) => r.name);
}

/**
 * Before a service runs there is no server to ask: `postgres -C` loads the
 * template's configuration with these values on its command line and exits,
 * refusing what PostgreSQL's own checks refuse (a time zone it does not know,
 * a stack depth above what the OS stack limit allows).
 */
export async function refusalBeforeStart(ctx: SettingsContext, major: string, conf: Record<string, ConfValue>): Promise<ApiError | null> {
  const b = ctx.binaries.get(major);
  if (!b || !Object.keys(conf).length) return null;
  const template = await ensureTemplate(ctx.runtime, ctx.templatesDir, b);
  const text = (v: ConfValue) => (typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v));
  const args = ['-D', paths(template).data, '-C', 'server_version', ...Object.entries(conf).flatMap(([k, v]) => ['-c', `${k}=${text(v)}`])];
  try {
    await run(join(b.bin, 'postgres'), args, { runAs: ctx.runtime.runAs, cwd: template, timeoutMs: 30_000 });
    return null;
  } catch (err) {
    const out = err instanceof CommandError ? err.output : '';
    const fatal = /FATAL:\s+(.*)/.exec(out)?.[1];
    const name = fatal && /parameter "([^"]+)"/.exec(fatal)?.[1];
    if (!fatal || !name) throw err;
    const detail = /DETAIL:\s+(.*)/.exec(out)?.[1];
    const field = fieldOf(name);
    return new ApiError('incorrect', `${field}: PostgreSQL does not accept it: ${fatal}${detail ? ` ${detail}` : ''}`, field);
  }
}
