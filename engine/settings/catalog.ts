// The settings documents of this engine, built from the pg_settings each
// installed major's template reported (templates are built on demand) and
// kept in memory: one per major for checking a service's settings, and the
// union of all for GET /v2/dbaas-settings-pg.
import { join } from 'node:path';
import type { SettingsDocument } from '@/lib/schemas/settings';
import type { Engine } from '../domain/engine';
import { planSettings, plans } from '../domain/plans';
import { ensureTemplate, readPgSettings, type PgSettingRow } from '../runtime/templates';
import { pglookoutSection, pgbouncerSection, timescaledbSection } from './other-sections';
import { pgSection, type MajorSettings } from './pg-section';

interface Cache {
  rows: Map<string, Promise<PgSettingRow[]>>;
  docs: Map<string, Promise<SettingsDocument>>;
}
const caches = new WeakMap<Engine, Cache>();

function cacheOf(engine: Engine): Cache {
  let c = caches.get(engine);
  if (!c) {
    c = { rows: new Map(), docs: new Map() };
    caches.set(engine, c);
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
export function majorRows(engine: Engine, major: string): Promise<PgSettingRow[]> {
  return memo(cacheOf(engine).rows, major, async () => {
    const b = engine.binaries.get(major);
    if (!b) throw new Error(`PostgreSQL ${major} binaries are not installed`);
    return readPgSettings(await ensureTemplate(engine.runtime, join(engine.config.dataDir, 'templates'), b));
  });
}

/** Parameters a plan sets: their default is the plan's, not the template's. */
const planParameters = new Set(plans.flatMap((p) => Object.keys(planSettings(p))));

export const installedMajors = (engine: Engine): string[] => [...engine.binaries.keys()].sort((a, b) => Number(a) - Number(b));

/** The document for these majors: one major's for checking a service, every installed one's for the API. */
export function settingsDocument(engine: Engine, majors: string[] = installedMajors(engine)): Promise<SettingsDocument> {
  return memo(cacheOf(engine).docs, majors.join(','), async () => {
    const found: MajorSettings[] = [];
    // one after the other: each may run initdb, and the machine is small
    for (const major of majors) found.push({ major, rows: await majorRows(engine, major) });
    return {
      settings: {
        pg: pgSection(found, planParameters),
        pgbouncer: pgbouncerSection(engine.bouncer?.version ?? null),
        pglookout: pglookoutSection(),
        timescaledb: timescaledbSection(),
      },
    };
  });
}
