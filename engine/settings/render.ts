// A service's stored settings as postgresql.conf parameters. The engine
// merges them over the plan's (engine.spec), and writeConfig escapes them.
import type { ServiceSettings, SettingsValues } from '@/lib/schemas/settings';
import type { ConfValue } from '../runtime/instance';
import type { PlanMemory } from './context';
import { pgKeys, type PgKey } from './pg-keys';
import { withUnit } from './units';

function confOf(key: PgKey, value: SettingsValues[string]): ConfValue | undefined {
  if (typeof value === 'number') return withUnit(value, key.unit);
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  // the public log_line_prefix values carry postgresql.conf's quotes; the escaping adds them again
  if (key.pg === 'log_line_prefix') return value.replace(/^'(.*)'$/s, '$1');
  // PostgreSQL spells its enum values in lower case (log_error_verbosity is DEFAULT|TERSE|VERBOSE in the API)
  return key.public.enum ? value.toLowerCase() : value;
}

/** PostgreSQL parameters (lower case, units explicit) for the settings as stored. */
export function renderPgSettings(settings: ServiceSettings, plan: PlanMemory): Record<string, ConfValue> {
  const out: Record<string, ConfValue> = {};
  const pg = settings['pg-settings'] ?? {};
  for (const key of pgKeys) {
    const holder = key.group ? pg[key.group] : pg;
    if (typeof holder !== 'object' || holder === null || Array.isArray(holder)) continue;
    const value = (holder as SettingsValues)[key.key];
    const conf = value === undefined ? undefined : confOf(key, value);
    if (conf !== undefined) out[key.pg] = conf;
  }
  const pct = settings['shared-buffers-percentage'];
  if (pct !== undefined) out.shared_buffers = `${Math.floor((plan.memoryGiB * 1024 * pct) / 100)}MB`;
  const workMem = settings['work-mem'];
  if (workMem !== undefined) out.work_mem = `${workMem}MB`;
  return out;
}
