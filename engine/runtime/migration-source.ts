// How the engine reaches a migration's source server: its own connections
// (node-postgres, TLS checked as libpq's sslmode would), and what libpq programs
// and a subscription's walreceiver read (a passfile and a CA bundle, 0600 files
// in the service's migration directory; the password is never on a command line,
// in an environment variable, in SQL text or in a catalog).
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import { conninfo, passfileLine } from './sql-text';
import type { MigrationSource } from '@/lib/schemas/migration';

/** Debian's CA bundle (ca-certificates): public CAs a cloud database's certificate chains to. */
export const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** The CAs a source's certificate may chain to: Debian's bundle, the engine's own CA, the one the user gave. */
export function caBundle(engineCaPem: string | null, userPem: string | null): string {
  const system = existsSync(SYSTEM_CA_BUNDLE) ? readFileSync(SYSTEM_CA_BUNDLE, 'utf8') : '';
  return [system, engineCaPem ?? '', userPem ?? ''].map((s) => s.trim()).filter(Boolean).join('\n') + '\n';
}

/** Files a migration's libpq programs read, in the service's migration directory. */
export interface SourceFiles {
  passfile: string;
  /** The CA bundle (caBundle). */
  caFile: string;
}

/** node-postgres TLS options matching libpq's sslmode. */
export function sourceTls(src: Pick<MigrationSource, 'host' | 'sslMode'>, ca: string): false | ConnectionOptions {
  switch (src.sslMode) {
    case 'disable':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { ca, rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { ca, rejectUnauthorized: true, ...(isIP(src.host) ? {} : { servername: src.host }) };
  }
}

export interface SourceClientOptions {
  /** A walsender session (`replication=database`), to see whether the user may replicate. */
  replication?: boolean;
  connectTimeoutMs?: number;
  applicationName?: string;
}

/** A node-postgres configuration for one database of the source. */
export function sourceClientConfig(src: MigrationSource, database: string, ca: string, opts: SourceClientOptions = {}): pg.ClientConfig {
  return {
    host: src.host,
    port: src.port,
    user: src.username,
    ...(src.password !== null ? { password: src.password } : {}),
    database,
    ssl: sourceTls(src, ca),
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    application_name: opts.applicationName ?? 'pgdeck-migrate',
    ...(opts.replication ? { replication: 'database' } : {}),
  } as pg.ClientConfig;
}

/** Connects to the source, or throws pg's error (its `code` says why: 28P01, ECONNREFUSED…). */
export async function connectSource(src: MigrationSource, database: string, ca: string, opts: SourceClientOptions = {}): Promise<pg.Client> {
  const client = new pg.Client(sourceClientConfig(src, database, ca, opts));
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  return client;
}

/** The source's .pgpass line (any database). */
export const passfileText = (src: Pick<MigrationSource, 'host' | 'port' | 'username' | 'password'>): string =>
  passfileLine(src.host, src.port, '*', src.username, src.password ?? '');

/** libpq's environment for a program that reads `database` of the source (pg_dump). */
export function sourceEnv(src: MigrationSource, database: string, files: SourceFiles): Record<string, string> {
  return {
    PGHOST: src.host,
    PGPORT: String(src.port),
    PGUSER: src.username,
    PGDATABASE: database,
    PGPASSFILE: files.passfile,
    PGSSLMODE: src.sslMode,
    ...(src.sslMode === 'disable' ? {} : { PGSSLROOTCERT: files.caFile }),
    PGCONNECT_TIMEOUT: '10',
    PGAPPNAME: 'pgdeck-migrate',
    LC_MESSAGES: 'C',
  };
}

/** A subscription's CONNECTION: a passfile, never a password, so no catalog, WAL or backup holds it. */
export function sourceConninfo(src: MigrationSource, database: string, files: SourceFiles): string {
  const pairs: [string, string][] = [
    ['host', src.host],
    ['port', String(src.port)],
    ['dbname', database],
    ['user', src.username],
    ['passfile', files.passfile],
    ['sslmode', src.sslMode],
    ...(src.sslMode === 'disable' ? [] : [['sslrootcert', files.caFile] as [string, string]]),
    ['connect_timeout', '10'],
    ['application_name', 'pgdeck-migrate'],
  ];
  return conninfo(pairs);
}
