// What the settings code needs of the engine, and nothing more: the installed
// binaries, where templates live and the runtime that builds them (each
// major's pg_settings comes from its template), PgBouncer's version, and the
// parameters plans set. The domain builds it once; settings never import it.
import type { Binaries } from '../runtime/binaries';
import type { MemorySettingKey } from '@/lib/schemas/settings';
import type { InstanceRuntime } from '../runtime/instance';

export interface SettingsContext {
  binaries: Map<string, Binaries>;
  templatesDir: string;
  /** Builds templates and runs `postgres -C` on them, as the shared unprivileged user. */
  runtime: InstanceRuntime;
  /** The installed PgBouncer's version; null when there is none. */
  bouncerVersion: string | null;
  /** Parameters plans set, each with the words for how: their default is the plan's, not the template's. */
  planParameters: ReadonlyMap<string, string>;
  /** The service's memory fields while unset (shared-buffers-percentage: the share plans give shared_buffers). */
  memoryDefaults: Partial<Record<MemorySettingKey, number>>;
}

/** What a plan gives the settings: its memory, which memory-derived settings follow. */
export interface PlanMemory {
  memoryGiB: number;
}
