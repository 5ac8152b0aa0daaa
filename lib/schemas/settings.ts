// Service settings: what a service takes in pg-settings, pgbouncer-settings and
// pglookout-settings, and the JSON Schema document GET /v2/dbaas-settings-pg
// describes them with. The engine builds that document from the installed
// PostgreSQL's own pg_settings; the console builds its forms from it.
import { z } from 'zod';

/** One property of a settings schema: JSON Schema plus a few `x-` extensions. */
export interface SettingSchema {
  type: 'integer' | 'number' | 'string' | 'boolean' | 'array' | 'object';
  title?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  enum?: (string | number | boolean)[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  items?: SettingSchema;
  /** Ranges a value must fall in one of (wal_sender_timeout: 0, or at least 5000). */
  anyOf?: SettingSchema[];
  properties?: Record<string, SettingSchema>;
  additionalProperties?: boolean;
  default?: unknown;
  example?: unknown;
  /** The unit values are given in (`ms`, `s`, `min`, `B`, `kB`, `MB`, `8kB`): API values are plain numbers in it. */
  'x-unit'?: string;
  /** Changing it restarts PostgreSQL (pg_settings.context = postmaster). */
  'x-requires-restart'?: boolean;
  /** The PostgreSQL majors that have it, when not every installed one does. */
  'x-pg-versions'?: string[];
  /**
   * What each major runs with while the key is unset, where `default` cannot say it: the majors differ
   * (log_autovacuum_min_duration), or the value is one the API does not accept.
   */
  'x-defaults-by-major'?: Record<string, unknown>;
  /** Where the value comes from while the key is unset, when the plan sets it: words, not a value (`the plan’s CPU count, at least 8`). */
  'x-default-from-plan'?: string;
}

/** One section of the document: an object schema of settings, possibly with nested groups. */
export interface SettingsSection extends SettingSchema {
  type: 'object';
  title: string;
  properties: Record<string, SettingSchema>;
  additionalProperties: false;
  /** pg only: the defaults of the service's own memory fields (memorySettings), which no section's properties hold. */
  'x-memory-defaults'?: Partial<Record<MemorySettingKey, number>>;
}

export const settingsSections = ['pg', 'pgbouncer', 'pglookout', 'timescaledb'] as const;
export type SettingsSectionName = (typeof settingsSections)[number];

export interface SettingsDocument {
  settings: Record<SettingsSectionName, SettingsSection>;
}

/** The service field that carries each section's values. */
export const sectionField = {
  pg: 'pg-settings',
  pgbouncer: 'pgbouncer-settings',
  pglookout: 'pglookout-settings',
  timescaledb: 'timescaledb-settings',
} as const satisfies Record<SettingsSectionName, string>;

/** Values as the API carries them: keys of a section, nested objects for groups (`autovacuum`, `bg-writer`, `wal`). */
export type SettingsValues = { [key: string]: SettingsValue };
export type SettingsValue = string | number | boolean | string[] | SettingsValues;

/** Settings stored with a service, as set through the API. */
export interface ServiceSettings {
  'pg-settings'?: SettingsValues;
  'pgbouncer-settings'?: SettingsValues;
  'pglookout-settings'?: SettingsValues;
  'shared-buffers-percentage'?: number;
  'work-mem'?: number;
}

/** Shape check only; the engine validates keys, types and bounds against the document of the service's major. */
export const settingsValuesSchema = z.record(z.string(), z.unknown());

/**
 * The two memory settings that travel as body fields of their own, described
 * as the document describes its keys: the form renders them and the API
 * checks them (service.ts) with the same words (setting-check.ts).
 */
export const memorySettings = {
  'shared-buffers-percentage': {
    type: 'integer',
    minimum: 20,
    maximum: 60,
    title: 'Shared buffers',
    description: 'Memory for PostgreSQL’s shared buffer cache, as a share of the plan’s memory.',
    'x-unit': '%',
    'x-requires-restart': true,
  },
  'work-mem': {
    type: 'integer',
    minimum: 1,
    maximum: 1024,
    title: 'Work memory',
    description: 'Memory each sort or hash operation may use before spilling to disk.',
    'x-unit': 'MB',
  },
} as const satisfies Record<string, SettingSchema>;
export type MemorySettingKey = keyof typeof memorySettings;

const sectionSchema = z.looseObject({ type: z.string(), title: z.string().optional(), properties: z.record(z.string(), z.unknown()) });

/** What the console accepts from GET /v2/dbaas-settings-pg (a cloud zone's answer too). */
export const settingsDocumentSchema = z.object({
  settings: z.looseObject({
    pg: sectionSchema.optional(),
    pgbouncer: sectionSchema.optional(),
    pglookout: sectionSchema.optional(),
    timescaledb: sectionSchema.optional(),
  }),
});
