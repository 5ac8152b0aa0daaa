// The pre-check of a migration from an existing PostgreSQL server (design §2):
// every reason the copy could not be made, or would go wrong, found before
// anything changes, and the plan (tools, each database's method) when nothing
// blocks. POST /v2/dbaas-task-migration-check/{service} answers it as an
// operation whose reference is a dbaas-task; a migration runs it again first.
// Order: what needs no connection, the source's bootstrap database, each source
// database, then the target over its socket. The password lives in `src` only.
import { lookup } from 'node:dns/promises';
import { statfsSync } from 'node:fs';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type pg from 'pg';
import { ApiError } from '@/lib/api-v2/errors';
import { databaseNameSchema } from '@/lib/schemas/common';
import { migrationSource, parseSourceUri, sourceUri, type MigrationCheck, type MigrationMethod, type MigrationSource } from '@/lib/schemas/migration';
import type { Operation } from '@/lib/schemas/operation';
import { caBundle } from '../runtime/migration-source';
import { DEFAULT_DATABASE } from '../runtime/templates';
import { migrationTools } from '../runtime/upgrade-tools';
import type { OperationRow } from '../store/operations';
import type { ServiceRecord } from '../store/services';
import type { Engine } from './engine';
import { blockers, describeFindings, resultCodes, runCheckTask, type Finding } from './findings';
import { masterSpec, requireService } from './lookup';
import { toApiOperation, withOperation } from './operations';
import { sourceDatabaseFacts, sourceServerFacts, type SourceDatabase } from './migration-source-facts';

export interface MigrationDbPlan { dbname: string; method: MigrationMethod; owner: string; sizeBytes: number }
export interface MigrationPlan { sourceMajor: string; sourceVersion: string; superuser: boolean; toolsBin: string; databases: MigrationDbPlan[] }

/** Untrusted extensions that grant nothing beyond their own privilege checks: the engine's superuser makes them for a restore. */
export const ENGINE_EXTENSIONS: readonly string[] = ['pg_stat_statements', 'pg_buffercache', 'pgstattuple', 'pg_visibility', 'pg_freespacemap',
  'pgrowlocks', 'amcheck', 'pg_prewarm', 'bloom', 'earthdistance', 'intagg', 'dict_xsyn', 'autoinc', 'insert_username', 'moddatetime', 'refint', 'sslinfo'];
/** Never migrated: PostgreSQL's own. */
export const SYSTEM_DATABASES: readonly string[] = ['postgres', 'template0', 'template1'];
/** The first replication target: before 16 apply workers run as the subscription's owner, a superuser (design decision 2). */
const REPLICATION_MIN_TARGET = 16;
/** Slots, walsenders and workers a replication needs beyond one per database: up to two table-sync workers at a time. */
const REPLICATION_HEADROOM = 2;

type PgError = Error & { code?: string };

/** Why the first connection failed, as a finding: the one place connection errors are read. */
function connectFinding(err: PgError, src: MigrationSource, database: string): Finding {
  const where = `${src.host}:${src.port}`;
  const code = err.code ?? '';
  if (/CERT|SIGNATURE|ALTNAME/.test(code) || /certificate/i.test(err.message)) {
    return { code: 'tls-not-trusted', detail: `the TLS certificate of ${where} is not accepted (${err.message}) — give its CA in pgdeck-ca-certificate, connect by the name the certificate holds, or ask for sslmode=require (encrypted, not verified)` };
  }
  if (/does not support SSL/i.test(err.message)) {
    return { code: 'tls-not-trusted', detail: `${where} does not offer TLS — turn ssl on at the source, or connect without it (ssl: false, sslmode=disable)` };
  }
  if (code === '28000' && src.sslMode === 'disable' && /no encryption/i.test(err.message)) {
    return { code: 'tls-not-trusted', detail: `${where} takes this login over TLS only (${err.message}) — connect with TLS (sslmode=verify-full, or require)` };
  }
  if (code === '28P01' || code === '28000') {
    return { code: 'authentication-failed', detail: `${where} refused ${src.username} (${err.message}) — check the user name and password, and that the source's pg_hba.conf lets this engine's address in` };
  }
  if (code === '42501' || code === '3D000') {
    return { code: 'insufficient-privileges', dbname: database, detail: `${src.username} cannot connect to database ${database} (${err.message}) — grant CONNECT, or choose another bootstrap database` };
  }
  return { code: 'source-unreachable', detail: `${where} could not be reached (${err.message}) — check the host and port, and the source's listen_addresses and firewall for this engine's address` };
}

/** The source is the target itself: its address is local and its port one the service listens on. */
async function isTargetItself(engine: Engine, svc: ServiceRecord, src: MigrationSource): Promise<boolean> {
  const ports = [masterSpec(engine, svc).port, svc.pgbouncerPort];
  if (!ports.includes(src.port)) return false;
  const local = new Set(Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address)));
  const addresses = isIP(src.host) ? [src.host] : (await lookup(src.host, { all: true }).catch(() => [])).map((a) => a.address);
  return addresses.some((a) => local.has(a) || a.startsWith('127.') || a === '::1' || a === '0.0.0.0');
}

/** The target's side: what its master offers, and where the source's databases would land. */
interface TargetFacts {
  extensions: Map<string, { version: string; trusted: boolean }>;
  databases: Set<string>;
  defaultDbEmpty: boolean;
  logicalWorkers: number;
  freeBytes: number;
}

async function targetFacts(engine: Engine, svc: ServiceRecord): Promise<TargetFacts> {
  const spec = masterSpec(engine, svc);
  const q = <R extends pg.QueryResultRow>(sql: string, db = 'postgres') => engine.runtime.query<R>(spec, sql, [], db);
  const ext = await q<{ name: string; version: string; trusted: boolean }>(
    `SELECT e.name, e.default_version AS version, coalesce(v.trusted, false) AS trusted
       FROM pg_available_extensions e LEFT JOIN pg_available_extension_versions v ON v.name = e.name AND v.version = e.default_version`);
  const databases = new Set((await q<{ datname: string }>('SELECT datname FROM pg_database')).map((r) => r.datname));
  const [user] = databases.has(DEFAULT_DATABASE)
    ? await q<{ n: number }>(`SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'`, DEFAULT_DATABASE)
    : [{ n: 0 }];
  const [workers] = await q<{ n: number }>("SELECT current_setting('max_logical_replication_workers')::int AS n");
  const fs = statfsSync(engine.serviceRoot(svc));
  return {
    extensions: new Map(ext.map((e) => [e.name, { version: e.version, trusted: e.trusted }])),
    databases, defaultDbEmpty: (user?.n ?? 0) === 0, logicalWorkers: workers?.n ?? 0, freeBytes: fs.bavail * fs.bsize,
  };
}

/** A database's findings for either method, and those that rule out replication for it. */
function databaseFindings(d: SourceDatabase, target: TargetFacts, targetMajor: string, ownDatabases: Set<string>): { findings: Finding[]; replication: Finding[] } {
  const findings: Finding[] = [];
  const dbname = d.datname;
  const list = (names: string[]) => (names.length > 10 ? `${names.slice(0, 10).join(', ')} and more` : names.join(', '));
  if (d.unreadable.length) {
    findings.push({ code: 'insufficient-privileges', dbname, detail: `cannot read ${list(d.unreadable)} — GRANT SELECT (and USAGE on their schemas), or pg_read_all_data (14+), or add ${dbname} to ignore-dbs` });
  }
  for (const e of d.extensions) {
    const there = target.extensions.get(e.name);
    if (!there) {
      findings.push({ code: 'extension-not-available', dbname, detail: `extension ${e.name} ${e.version} is not available in PostgreSQL ${targetMajor} — drop it on the source (DROP EXTENSION ${e.name}) or add ${dbname} to ignore-dbs` });
    } else if (!there.trusted && !ENGINE_EXTENSIONS.includes(e.name)) {
      findings.push({ code: 'extension-not-permitted', dbname, detail: `extension ${e.name} needs a superuser to create (it reaches files, the network or the server's programs) — drop it on the source or add ${dbname} to ignore-dbs` });
    } else if (there.version !== e.version) {
      findings.push({ code: 'extension-version-differs', dbname, notice: true, detail: `extension ${e.name} is ${e.version} on the source; the target creates ${there.version}` });
    }
  }
  if (d.untrustedFunctions.length) {
    findings.push({ code: 'untrusted-functions', dbname, detail: `functions in a language the service's admin may not use (untrusted): ${list(d.untrustedFunctions)} — drop them on the source or add ${dbname} to ignore-dbs` });
  }
  if (d.eventTriggers > 0) findings.push({ code: 'event-triggers', dbname, notice: true, detail: `${d.eventTriggers} event trigger(s) are not migrated (a superuser's)` });
  if (!databaseNameSchema.safeParse(dbname).success) {
    findings.push({ code: 'database-name-unsupported', dbname, detail: 'the service\'s databases are named with letters, digits, "_" and "-", at most 40 characters — rename it on the source or add it to ignore-dbs' });
  }
  if (target.databases.has(dbname) && !ownDatabases.has(dbname) && !(dbname === DEFAULT_DATABASE && target.defaultDbEmpty)) {
    findings.push({ code: 'target-database-exists', dbname, detail: `the service already has a database ${dbname} — drop it on the target (DELETE .../database/${dbname}) or add it to ignore-dbs` });
  }
  const replication: Finding[] = [];
  if (d.withoutIdentity.length) {
    replication.push({ code: 'tables-without-replica-identity', dbname, detail: `tables with no primary key or replica identity, whose UPDATE and DELETE would fail on the source once published: ${list(d.withoutIdentity)} — add a primary key or ALTER TABLE … REPLICA IDENTITY FULL` });
  }
  if (d.notOwned.length) {
    replication.push({ code: 'tables-not-owned', dbname, detail: `a publication needs a superuser or the tables' owner; owned by other roles: ${list(d.notOwned)} — connect as their owner or a superuser` });
  }
  if (d.largeObjects) replication.push({ code: 'large-objects', dbname, detail: 'large objects are not replicated — use method dump for this database' });
  return { findings, replication };
}

/** Said only for a database that replicates. */
function replicationNotices(d: SourceDatabase): Finding[] {
  return [
    ...(d.unlogged.length ? [{ code: 'unlogged-tables', dbname: d.datname, notice: true, detail: `unlogged tables are not replicated, so their rows are not copied: ${d.unlogged.slice(0, 10).join(', ')}` }] : []),
    ...(d.sequences > 0 ? [{ code: 'sequences-set-at-cut-over', dbname: d.datname, notice: true, detail: `${d.sequences} sequence(s) are not replicated: set from the source's values at the stop` }] : []),
  ];
}

interface Inspection {
  findings: Finding[];
  plan: MigrationPlan | null;
  /** Each database and the method it would use, blockers or not. */
  databases: MigrationDbPlan[];
}

/** Every finding, and the plan when nothing blocks. `ownDatabases`: target databases a failed earlier attempt of this migration made (a retry drops them, so they are not `target-database-exists`). */
export async function checkMigration(engine: Engine, svc: ServiceRecord, src: MigrationSource, opts: { ownDatabases?: string[] } = {}): Promise<{ findings: Finding[]; plan: MigrationPlan | null }> {
  const { findings, plan } = await inspectMigration(engine, svc, src, opts);
  return { findings, plan };
}

async function inspectMigration(engine: Engine, svc: ServiceRecord, src: MigrationSource, opts: { ownDatabases?: string[] }): Promise<Inspection> {
  const master = engine.nodes.master(svc.name);
  if (svc.phase === 'creating' || svc.phase === 'deleting' || !master || engine.runtime.pid(engine.nodeRoot(svc, master)) === null) {
    return { findings: [{ code: 'service-not-running', detail: `service ${svc.name} is not running; the check reads it` }], plan: null, databases: [] };
  }
  if (await isTargetItself(engine, svc, src)) {
    return { findings: [{ code: 'source-is-target', detail: `${src.host}:${src.port} is this service itself — give the address of the server to migrate from` }], plan: null, databases: [] };
  }
  const ca = caBundle(engine.ca.cert, src.caPem);
  const server = await sourceServerFacts(src, ca, src.method !== 'dump');
  if ('error' in server) return { findings: [connectFinding(server.error, src, src.dbname)], plan: null, databases: [] };
  const findings: Finding[] = [...server.notices];
  const targetMajor = svc.major;
  if (server.major < 10) {
    return { findings: [{ code: 'source-version-unsupported', detail: `the source runs PostgreSQL ${server.version}; sources from PostgreSQL 10 are supported` }], plan: null, databases: [] };
  }
  const sourceMajor = String(server.major);
  const tools = migrationTools(sourceMajor, targetMajor);
  if (server.major > Number(targetMajor)) {
    findings.push({ code: 'source-newer-than-target', detail: `the source runs PostgreSQL ${server.version}, newer than this service's ${targetMajor} — create the service on PostgreSQL ${sourceMajor} or later` });
  } else if (tools.bindir === null) {
    findings.push({ code: 'migration-tools-missing', detail: tools.reason });
  }
  for (const name of src.ignoreDbs) {
    if (!server.allDatabases.includes(name)) findings.push({ code: 'ignore-dbs-unknown', notice: true, detail: `ignore-dbs names ${name}, which the source does not have` });
  }
  const candidates = server.databases.filter((d) => !SYSTEM_DATABASES.includes(d.datname) && !src.ignoreDbs.includes(d.datname));
  const target = await targetFacts(engine, svc);
  const ownDatabases = new Set(opts.ownDatabases ?? []);
  const wantReplication = src.method !== 'dump';
  const reports: { d: SourceDatabase; owner: string; size: number; replication: Finding[] }[] = [];
  for (const db of candidates) {
    if (!db.canConnect) {
      findings.push({ code: 'insufficient-privileges', dbname: db.datname, detail: `${src.username} cannot connect to ${db.datname} — GRANT CONNECT ON DATABASE, or add it to ignore-dbs` });
      continue;
    }
    const facts = await sourceDatabaseFacts(src, ca, db.datname, { replication: wantReplication, superuser: server.superuser });
    if ('error' in facts) {
      const f = connectFinding(facts.error, src, db.datname);
      findings.push(f.code === 'insufficient-privileges' ? f : { ...f, dbname: db.datname });
      continue;
    }
    const r = databaseFindings(facts, target, targetMajor, ownDatabases);
    findings.push(...r.findings);
    reports.push({ d: facts, owner: db.owner, size: db.size ?? 0, replication: wantReplication ? r.replication : [] });
  }
  if (!candidates.length) findings.push({ code: 'no-databases', detail: 'the source has no database to migrate besides postgres, template0 and template1 (and ignore-dbs)' });

  // Replication: where the source, the target and each database allow it (design §2, "Replication only").
  const methods = new Map<string, MigrationMethod>(reports.map((r) => [r.d.datname, 'dump']));
  if (wantReplication) {
    const strict = src.method === 'replication';
    const serverLevel: Finding[] = [];
    if (Number(targetMajor) < REPLICATION_MIN_TARGET) {
      serverLevel.push({ code: 'replication-target-too-old', detail: `replication needs a target on PostgreSQL ${REPLICATION_MIN_TARGET} or later (this service runs ${targetMajor}) — use method dump, or upgrade the service first` });
    }
    serverLevel.push(...server.replication);
    const replicating = reports.filter((r) => strict || r.replication.length === 0);
    const n = replicating.length;
    if (n > 0 && (strict || serverLevel.length === 0)) {
      const need = n + REPLICATION_HEADROOM;
      if (server.freeSlots < need) {
        serverLevel.push({ code: 'replication-slots-insufficient', detail: `${n} database(s) need ${need} replication slots on the source (free: ${server.freeSlots}) — raise max_replication_slots (a restart) or drop unused slots` });
      }
      if (server.freeSenders < need) {
        serverLevel.push({ code: 'wal-senders-insufficient', detail: `${n} database(s) need ${need} WAL senders on the source (free: ${server.freeSenders}) — raise max_wal_senders (a restart)` });
      }
      if (target.logicalWorkers < need) {
        serverLevel.push({ code: 'target-workers-insufficient', detail: `${n} database(s) need ${need} logical replication workers on the target; max_logical_replication_workers is ${target.logicalWorkers} — raise pg-settings.max_logical_replication_workers` });
      }
    }
    if (strict) {
      findings.push(...serverLevel, ...reports.flatMap((r) => r.replication));
      for (const r of reports) methods.set(r.d.datname, 'replication');
    } else if (serverLevel.length) {
      findings.push({ code: 'method-dump-chosen', notice: true, detail: `every database is copied by dump, as replication is not possible: ${serverLevel.map((f) => `${f.code}: ${f.detail}`).join('; ')}` });
    } else {
      for (const r of reports) {
        if (r.replication.length) findings.push({ code: 'method-dump-chosen', dbname: r.d.datname, notice: true, detail: `copied by dump, as replication is not possible: ${r.replication.map((f) => `${f.code}: ${f.detail}`).join('; ')}` });
        else methods.set(r.d.datname, 'replication');
      }
    }
    for (const r of reports) if (methods.get(r.d.datname) === 'replication') findings.push(...replicationNotices(r.d));
  }

  const total = reports.reduce((sum, r) => sum + r.size, 0);
  if (total * 1.2 > target.freeBytes) {
    findings.push({ code: 'target-disk-space', detail: `the databases take ${gib(total)} on the source; with 20% to spare that is more than the ${gib(target.freeBytes)} free for this service — free disk space, or ignore some databases` });
  }
  const databases = reports.map((r) => ({ dbname: r.d.datname, method: methods.get(r.d.datname) as MigrationMethod, owner: r.owner, sizeBytes: r.size }));
  const plan = blockers(findings).length || tools.bindir === null
    ? null
    : { sourceMajor, sourceVersion: server.version, superuser: server.superuser, toolsBin: tools.bindir, databases };
  return { findings, plan, databases };
}

const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

/** The task's last line: which method each database would use. */
export function methodLine(databases: Pick<MigrationDbPlan, 'dbname' | 'method'>[]): string {
  if (!databases.length) return 'method: no database to migrate';
  const by = (m: MigrationMethod) => databases.filter((d) => d.method === m).map((d) => d.dbname);
  return `method: ${(['replication', 'dump'] as const).filter((m) => by(m).length).map((m) => `${m} for ${by(m).join(', ')}`).join('; ')}`;
}

/** The operation of a check: its reference is the task that holds the findings. */
function checkOperation(engine: Engine, opId: string, service: string, taskId: string): Operation {
  const op = toApiOperation(engine.operations.get(opId) as OperationRow, engine);
  return { ...op, reference: { id: taskId, link: `${engine.config.publicUrl}/dbaas-task/${service}/${taskId}`, command: 'get-dbaas-task' } };
}

// POST /v2/dbaas-task-migration-check/{service} – the pre-check of a migration: an operation, whose reference is the dbaas-task with the findings
export async function startMigrationCheck(engine: Engine, name: string, body: MigrationCheck): Promise<Operation> {
  requireService(engine, name);
  const parsed = parseSourceUri(body['source-service-uri']);
  if (!parsed.ok) throw new ApiError('incorrect', `source-service-uri: ${parsed.reason}`, 'source-service-uri');
  const src = migrationSource({ ...parsed.migration, ...(body.method ? { method: body.method } : {}), ...(body['ignore-dbs'] ? { 'ignore-dbs': body['ignore-dbs'] } : {}) });
  const method = src.method ?? 'auto';
  const params = { host: src.host, port: src.port, username: src.username, method, 'ignore-dbs': src.ignoreDbs.join(',') };
  return withOperation(engine, name, 'migration-check', params, async (op) => {
    // rebuilt from the parsed fields, without the password: nothing of what the user typed is stored as typed
    const task = engine.tasks.insert(name, 'migration-check', { 'source-service-uri': sourceUri(parsed.migration, false), method, 'ignore-dbs': src.ignoreDbs });
    let summary = '';
    await runCheckTask(engine, task.id, async () => {
      const { findings, databases } = await inspectMigration(engine, requireService(engine, name), src, {});
      const n = blockers(findings).length;
      summary = n ? `${n} problem(s) block the migration: see the task` : 'nothing blocks the migration';
      return { success: n === 0, result: [describeFindings(findings), methodLine(databases)].filter(Boolean).join('\n'), codes: resultCodes(findings) };
    }, (t) => {
      if (t.resultCodes.some((c) => c.code === 'check-failed')) engine.operations.finish(op.id, 'failure', 'fault', t.result);
      else engine.operations.finish(op.id, 'success', undefined, summary);
    });
    return checkOperation(engine, op.id, name, task.id);
  });
}
