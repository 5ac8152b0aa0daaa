// The settings documents of this engine, built from the pg_settings each
// installed major's template reported (templates are built on demand) and
// kept in memory: one per major for checking a service's settings, and the
// union of all for GET /v2/dbaas-settings-pg.
import type { SettingsDocument } from '@/lib/schemas/settings';
import { ensureTemplate, readPgSettings, type PgSettingRow } from '../runtime/templates';
import type { SettingsContext } from './context';
import { pglookoutSection, pgbouncerSection, timescaledbSection } from './other-sections';
import { pgSection, type MajorSettings } from './pg-section';

interface Cache {
  rows: Map<string, Promise<PgSettingRow[]>>;
  docs: Map<string, Promise<SettingsDocument>>;
}
const caches = new WeakMap<SettingsContext, Cache>();

function cacheOf(ctx: SettingsContext): Cache {
  let c = caches.get(ctx);
  if (!c) {
    c = { rows: new Map(), docs: new Map() };
    caches.set(ctx, c);
  }
  return c;
}

/** Remembers a pending result; a failure is forgotten so the next call tries again. */
function memo<T>(map: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let p = map.get(key);
  if (!p) {
    p = make();
    map.set(key, p);
    p.catch(() => map.delete(key));
  }
  return p;
}

/** What one major's PostgreSQL reports in pg_settings (from its template, built first when missing). */
export function majorRows(ctx: SettingsContext, major: string): Promise<PgSettingRow[]> {
  return memo(cacheOf(ctx).rows, major, async () => {
    const b = ctx.binaries.get(major);
    if (!b) throw new Error(`PostgreSQL ${major} binaries are not installed`);
    return readPgSettings(await ensureTemplate(ctx.runtime, ctx.templatesDir, b));
  });
}

export const installedMajors = (ctx: SettingsContext): string[] => [...ctx.binaries.keys()].sort((a, b) => Number(a) - Number(b));

/** The document for these majors: one major's for checking a service, every installed one's for the API. */
export function settingsDocument(ctx: SettingsContext, majors: string[] = installedMajors(ctx)): Promise<SettingsDocument> {
  return memo(cacheOf(ctx).docs, majors.join(','), async () => {
    const found: MajorSettings[] = [];
    // one after the other: each may run initdb, and the machine is small
    for (const major of majors) found.push({ major, rows: await majorRows(ctx, major) });
    return {
      settings: {
        pg: { ...pgSection(found, ctx.planParameters), 'x-memory-defaults': ctx.memoryDefaults },
        pgbouncer: pgbouncerSection(ctx.bouncerVersion),
        pglookout: pglookoutSection(),
        timescaledb: timescaledbSection(),
      },
    };
  });
}
