// Migration from an existing PostgreSQL server into a service: the `migration`
// object of create and PUT /v2/dbaas-postgres/{name}, the body of
// POST /v2/dbaas-task-migration-check/{service} (a source URI), and the answer
// of GET /v2/dbaas-migration-status/{name}. One place for the console and the engine.
import { z } from 'zod';

export const migrationMethods = ['dump', 'replication'] as const;
export type MigrationMethod = (typeof migrationMethods)[number];
export const migrationStatuses = ['running', 'syncing', 'done', 'failed'] as const;
export type MigrationStatus = (typeof migrationStatuses)[number];

/**
 * How the source's certificate is checked. The contract's `ssl: true` is `verify-full` here (the host name
 * and a chain to a trusted CA: Debian's bundle, the engine's own CA, or `pgdeck-ca-certificate`);
 * encrypting without verifying must be asked for (`require`). `ssl: false` is `disable`.
 */
export const sslModes = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof sslModes)[number];

/**
 * A host name or IP literal libpq takes as one host: never a Unix socket path (a leading `/` would reach the
 * engine's own sockets by peer authentication), never a list (`,`), nothing a conninfo would split on.
 */
export const sourceHostSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|\[?[0-9A-Fa-f:.]+\]?)$/,
    'must be a host name or an IP address (no socket path, list, spaces or quotes)');

/** UTF-8 bytes, in the browser too (the console checks these fields as they are typed; it has no Buffer). */
const utf8Bytes = (s: string): number => new TextEncoder().encode(s).length;

/** Source database and role names are the source's: anything PostgreSQL allows, within its 63 bytes. */
const sourceNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .refine((s) => utf8Bytes(s) <= 63, 'must be at most 63 bytes')
  .refine((s) => !/[\0\r\n]/.test(s), 'must not contain NUL or line breaks');

const ignoreDbsSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(2048, 'must be at most 2048 characters')
  .superRefine((value, ctx) => {
    for (const name of value.split(',').map((s) => s.trim())) {
      if (!name) ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of database names, with no empty name' });
      else if (utf8Bytes(name) > 63) ctx.addIssue({ code: 'custom', message: `"${name.slice(0, 20)}…" is longer than 63 bytes` });
    }
  });

/** Each name of a comma-separated `ignore-dbs`, trimmed. */
export const ignoredDatabases = (value: string | undefined): string[] =>
  value ? [...new Set(value.split(',').map((s) => s.trim()).filter(Boolean))] : [];

const PEM = /^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/;

export const migrationSchema = z.strictObject({
  host: sourceHostSchema,
  port: z.number().int().min(1, 'must be between 1 and 65535').max(65535, 'must be between 1 and 65535'),
  username: sourceNameSchema.optional(),
  password: z.string().min(1, 'must not be empty').max(255, 'must be at most 255 characters')
    .refine((s) => !/[\0\r\n]/.test(s), 'must not contain NUL or line breaks').optional(),
  dbname: sourceNameSchema.optional(),
  ssl: z.boolean().optional(),
  'ignore-dbs': ignoreDbsSchema.optional(),
  method: z.enum(migrationMethods).optional(),
  /** Extension: how to check the source's certificate when `ssl` is true (default verify-full). */
  'pgdeck-ssl-mode': z.enum(['require', 'verify-ca', 'verify-full']).optional(),
  /** Extension: a CA (PEM) to trust for this source besides Debian's bundle and the engine's own CA. */
  'pgdeck-ca-certificate': z.string().max(65_536, 'must be at most 64 KiB').regex(PEM, 'must be one or more PEM certificates').optional(),
});
export type Migration = z.infer<typeof migrationSchema>;

/** The source as the engine connects to it: every field decided. */
export interface MigrationSource {
  host: string;
  port: number;
  username: string;
  password: string | null;
  dbname: string;
  sslMode: SslMode;
  caPem: string | null;
  ignoreDbs: string[];
  method: MigrationMethod | null;
}

export function migrationSource(m: Migration): MigrationSource {
  return {
    host: m.host.replace(/^\[(.*)\]$/, '$1'),
    port: m.port,
    username: m.username ?? 'postgres',
    password: m.password ?? null,
    dbname: m.dbname ?? 'postgres',
    sslMode: m.ssl === false ? 'disable' : (m['pgdeck-ssl-mode'] ?? 'verify-full'),
    caPem: m['pgdeck-ca-certificate'] ?? null,
    ignoreDbs: ignoredDatabases(m['ignore-dbs']),
    method: m.method ?? null,
  };
}

/** POST /v2/dbaas-task-migration-check/{service}. */
export const migrationCheckSchema = z.strictObject({
  'source-service-uri': z.string().min(1, 'must not be empty').max(512, 'must be at most 512 characters'),
  method: z.enum(migrationMethods).optional(),
  'ignore-dbs': ignoreDbsSchema.optional(),
});
export type MigrationCheck = z.infer<typeof migrationCheckSchema>;

/** Query keys of a source URI that are taken; any other (sslrootcert, passfile, service, host…) is refused. */
const URI_SSLMODES: Record<string, { ssl: boolean; mode?: Migration['pgdeck-ssl-mode'] }> = {
  disable: { ssl: false },
  require: { ssl: true, mode: 'require' },
  'verify-ca': { ssl: true, mode: 'verify-ca' },
  'verify-full': { ssl: true, mode: 'verify-full' },
};

/**
 * A `postgres://user:password@host:port/dbname?sslmode=…` URI as the `migration` object it stands for, or the
 * reason it is not one. The engine never hands a user's string to libpq as a connection string.
 */
export function parseSourceUri(uri: string): { ok: true; migration: Migration } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return { ok: false, reason: 'must be a URI such as postgres://user:password@db.example.com:5432/postgres?sslmode=verify-full' };
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return { ok: false, reason: 'must start with postgres:// or postgresql://' };
  if (!url.hostname) return { ok: false, reason: 'must name a host' };
  const keys = [...url.searchParams.keys()];
  const other = keys.find((k) => k !== 'sslmode');
  if (other) return { ok: false, reason: `the query parameter "${other}" is not accepted (only sslmode is)` };
  const sslmode = url.searchParams.get('sslmode');
  const ssl = sslmode === null ? { ssl: true } : URI_SSLMODES[sslmode];
  if (!ssl) return { ok: false, reason: `sslmode must be one of ${Object.keys(URI_SSLMODES).join(', ')}` };
  const decode = (s: string): string | undefined => {
    if (!s) return undefined;
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const candidate = {
    host: url.hostname,
    port: url.port ? Number(url.port) : 5432,
    username: decode(url.username),
    password: decode(url.password),
    dbname: decode(url.pathname.replace(/^\//, '')),
    ssl: ssl.ssl,
    ...(ssl.mode ? { 'pgdeck-ssl-mode': ssl.mode } : {}),
  };
  const parsed = migrationSchema.safeParse(Object.fromEntries(Object.entries(candidate).filter(([, v]) => v !== undefined)));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `${issue?.path.join('.') || 'uri'} ${issue?.message ?? 'is not valid'}` };
  }
  return { ok: true, migration: parsed.data };
}

/** A source URI for display and for the check: the password percent-encoded, or left out. */
export function sourceUri(m: Migration, withPassword = true): string {
  const user = m.username ? encodeURIComponent(m.username) : '';
  const pw = withPassword && m.password ? `:${encodeURIComponent(m.password)}` : '';
  const host = m.host.includes(':') && !m.host.startsWith('[') ? `[${m.host}]` : m.host;
  const sslmode = m.ssl === false ? 'disable' : (m['pgdeck-ssl-mode'] ?? 'verify-full');
  return `postgres://${user}${pw}${user ? '@' : ''}${host}:${m.port}/${encodeURIComponent(m.dbname ?? 'postgres')}?sslmode=${sslmode}`;
}

const detailSchema = z.object({
  dbname: z.string(),
  method: z.string().optional(),
  status: z.enum(migrationStatuses),
  error: z.string().optional(),
  // extensions: clients of the public contract ignore them
  'pgdeck-phase': z.string().optional(),
  'pgdeck-tables-total': z.number().optional(),
  'pgdeck-tables-done': z.number().optional(),
  'pgdeck-bytes-total': z.number().optional(),
  /** Rows' bytes loaded so far (while copying: the target database's growth; then the total). */
  'pgdeck-bytes-done': z.number().optional(),
  'pgdeck-lag-bytes': z.number().nullable().optional(),
  'pgdeck-warning': z.string().optional(),
  'pgdeck-updated-at': z.string().optional(),
});
export type MigrationDetail = z.infer<typeof detailSchema>;

/** GET /v2/dbaas-migration-status/{name}. */
export const migrationStatusSchema = z.object({
  status: z.enum(migrationStatuses),
  method: z.string().default(''),
  error: z.string().optional(),
  details: z.array(detailSchema).default([]),
  'pgdeck-source': z.object({ host: z.string(), port: z.number(), username: z.string(), 'ssl-mode': z.string() }).optional(),
  'pgdeck-started-at': z.string().optional(),
  'pgdeck-finished-at': z.string().optional(),
  'pgdeck-operation': z.string().optional(),
});
export type MigrationStatusView = z.infer<typeof migrationStatusSchema>;
