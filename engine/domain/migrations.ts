// Migration from another PostgreSQL server into a service (issue 12; design in
// docs/design/migration.md). `migration` on create or PUT starts it: the
// pre-check again, roles, then per source database either a dump (pg_dump |
// pg_restore in one snapshot) or logical replication (schema, publication and
// slot on the source, subscription here) that keeps the target in sync until
// POST .../migration/stop cuts over. The source password is sealed in the store
// and written to a 0600 passfile only while the migration lives.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { ApiError } from '@/lib/api-v2/errors';
import { migrationSource, type Migration, type MigrationSource } from '@/lib/schemas/migration';
import type { Operation } from '@/lib/schemas/operation';
import { paths, recentLog } from '../runtime/instance';
import { cutOver, lastApplyError, replicationNames, replicationProgress, startReplication, teardownReplication, type ReplicationNames, type ReplicationProgress, type Sql } from '../runtime/logical-replication';
import { databaseSql, readDatabaseExtras, readSourceRoles, rolesSql } from '../runtime/migrate-roles';
import { caBundle, connectSource, passfileText, sourceConninfo, type SourceFiles } from '../runtime/migration-source';
import { copySchema, dumpDatabase, type MigrateOptions } from '../runtime/pg-migrate';
import { processesUnder, signal } from '../runtime/process';
import { quoteIdent } from '../runtime/sql-text';
import { DEFAULT_DATABASE } from '../runtime/templates';
import type { MigrationDatabase, MigrationRecord } from '../store/migrations';
import type { OperationRow } from '../store/operations';
import type { ServiceRecord } from '../store/services';
import { crashPoint } from './crash-points';
import { applyDatabase } from './databases';
import type { Engine } from './engine';
import { blockers, describeFindings } from './findings';
import { checkMigration, ENGINE_EXTENSIONS, type MigrationDbPlan, type MigrationPlan } from './migration-check';
import { masterSpec, requireRunning, requireService } from './lookup';
import { runLater, toApiOperation, withOperation } from './operations';

/** How long the source may be unreachable while a replication copies before the migration fails (it keeps WAL for us meanwhile). */
const sourceGraceMs = (): number => Number(process.env.PGDECK_MIGRATION_SOURCE_GRACE_MS ?? 300_000);
/** Cut-over: how long the target may make no progress towards the source's stop position. */
const CUT_OVER_NO_PROGRESS_MS = 5 * 60_000;
const POLL_MS = 1000;

/** In-flight migrations by service: stop aborts them. */
const aborts = new Map<string, AbortController>();

const migrationDir = (engine: Engine, svc: ServiceRecord): string => join(engine.serviceRoot(svc), 'migration');
const filesOf = (engine: Engine, svc: ServiceRecord): SourceFiles => ({
  passfile: join(migrationDir(engine, svc), 'pgpass'),
  caFile: join(migrationDir(engine, svc), 'ca.pem'),
});

function sourceOf(engine: Engine, m: MigrationRecord): MigrationSource {
  return {
    host: m.host, port: m.port, username: m.username, dbname: m.dbname, sslMode: m.sslMode, caPem: m.caPem, ignoreDbs: m.ignoreDbs, method: m.method,
    password: m.passwordSealed ? engine.box.unseal(m.passwordSealed) : null,
  };
}

const caOf = (engine: Engine, m: Pick<MigrationRecord, 'caPem'>): string => caBundle(engine.ca.cert, m.caPem);

/** The passfile and CA bundle libpq programs and the walreceiver read: 0600, the service's OS user's, in a 0700 directory. */
function writeSourceFiles(engine: Engine, svc: ServiceRecord, m: MigrationRecord): SourceFiles {
  const owner = engine.serviceRunAs(svc);
  engine.runtime.ownedDir(migrationDir(engine, svc), owner);
  const files = filesOf(engine, svc);
  engine.runtime.writeOwned(files.passfile, passfileText(sourceOf(engine, m)), owner);
  engine.runtime.writeOwned(files.caFile, caOf(engine, m), owner);
  return files;
}

/** The password is forgotten once nothing is left to do on the source: sealed copy and files. */
function forgetPassword(engine: Engine, svc: ServiceRecord): void {
  const m = engine.migrations.get(svc.name);
  if (!m || m.leftovers.length) return;
  engine.migrations.update(svc.name, { passwordSealed: null });
  rmSync(filesOf(engine, svc).passfile, { force: true });
}

/** Keeps the files in step with the store at engine start: written while a migration lives, gone otherwise. */
export function reconcileMigrationFiles(engine: Engine, svc: ServiceRecord): void {
  const m = engine.migrations.get(svc.name);
  if (m?.passwordSealed && (m.status === 'running' || m.status === 'syncing' || m.leftovers.length)) writeSourceFiles(engine, svc, m);
  else rmSync(filesOf(engine, svc).passfile, { force: true });
}

const sqlOf = (client: pg.Client): Sql => async (sql, params = []) => (await client.query(sql, params)).rows;
const targetSql = (engine: Engine, svc: ServiceRecord, database: string): Sql => (sql, params = []) =>
  engine.runtime.query(masterSpec(engine, svc), sql, params, database);

/** Runs `work` with a session on one source database; the session always ends. */
async function withSource<T>(engine: Engine, m: MigrationRecord, database: string, work: (sql: Sql) => Promise<T>): Promise<T> {
  const client = await connectSource(sourceOf(engine, m), database, caOf(engine, m));
  try {
    return await work(sqlOf(client));
  } finally {
    await client.end().catch(() => undefined);
  }
}

function namesOf(m: MigrationRecord, d: MigrationDatabase): ReplicationNames {
  return replicationNames(m.id, d.sourceOid ?? 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Starting

/** Refuses a second migration while one lives; `migration` with other fields is refused by the caller. */
function requireNoLiveMigration(engine: Engine, name: string): MigrationRecord | undefined {
  const m = engine.migrations.get(name);
  if (m && (m.status === 'running' || m.status === 'syncing')) {
    throw new ApiError('conflict', `migration: service ${name} has a migration ${m.status}; stop it first (POST /v2/dbaas-postgres/${name}/migration/stop)`, 'migration');
  }
  return m;
}

/** Writes a new attempt: the source (password sealed), status running. */
export function recordMigration(engine: Engine, name: string, body: Migration, operation: string | null): MigrationRecord {
  const src = migrationSource(body);
  return engine.migrations.start({
    service: name, id: randomBytes(6).toString('hex'), method: src.method, host: src.host, port: src.port, sslMode: src.sslMode, caPem: src.caPem,
    username: src.username, dbname: src.dbname, ignoreDbs: src.ignoreDbs, passwordSealed: src.password === null ? null : engine.box.seal(src.password),
    operation,
  });
}

/** What an operation's params keep of a migration: never the password. */
const opParams = (m: MigrationRecord): Record<string, unknown> => ({ host: m.host, port: m.port, username: m.username, method: m.method ?? 'auto', 'ignore-dbs': m.ignoreDbs.join(',') });

// PUT /v2/dbaas-postgres/{name} with `migration`
export async function startMigration(engine: Engine, name: string, body: Migration): Promise<Operation> {
  requireRunning(engine, name);
  const previous = requireNoLiveMigration(engine, name);
  const params = { host: body.host, port: body.port, username: body.username ?? 'postgres', method: body.method ?? 'auto', 'ignore-dbs': body['ignore-dbs'] ?? '' };
  return withOperation(engine, name, 'migration', params, async (op) => {
    // a failed attempt's databases, roles and source objects go first: rows come only from the new copy
    if (previous) await cleanUpAttempt(engine, requireService(engine, name), previous);
    recordMigration(engine, name, body, op.id);
    return launch(engine, name, op);
  });
}

/** A migration recorded with its service's create: started once the service runs. */
export async function startRecordedMigration(engine: Engine, name: string): Promise<void> {
  const m = engine.migrations.get(name);
  if (!m || m.status !== 'running' || m.operation) return;
  await withOperation(engine, name, 'migration', opParams(m), (op) => {
    engine.migrations.update(name, { operation: op.id });
    return launch(engine, name, op);
  }).catch((err: Error) => failMigration(engine, name, err.message));
}

function launch(engine: Engine, name: string, op: OperationRow): Operation {
  const abort = new AbortController();
  aborts.set(name, abort);
  return runLater(engine, op, async () => {
    try {
      return await runMigration(engine, name, abort.signal);
    } catch (err) {
      const message = abort.signal.aborted ? 'stopped by request before the copy finished' : (err as Error).message;
      await failMigration(engine, name, message);
      throw err instanceof ApiError ? err : new ApiError('fault', `migration failed: ${message}`);
    } finally {
      aborts.delete(name);
    }
  });
}

/** The whole migration, up to every database done (dump) or syncing (replication); answers the operation's message. */
async function runMigration(engine: Engine, name: string, abort: AbortSignal): Promise<string> {
  const startedAt = Date.now();
  let svc = requireRunning(engine, name);
  let m = engine.migrations.get(name) as MigrationRecord;
  const { findings, plan } = await checkMigration(engine, svc, sourceOf(engine, m));
  if (!plan) throw new ApiError('incorrect', `migration: the source is not ready:\n${describeFindings(blockers(findings))}`, 'migration');
  engine.migrations.update(name, { sourceMajor: plan.sourceMajor });
  for (const d of plan.databases) engine.migrations.addDatabase(name, d.dbname, d.method, d.sizeBytes);
  const files = writeSourceFiles(engine, svc, m);
  await copyRoles(engine, svc, m);
  for (const d of plan.databases) {
    if (abort.aborted) throw new Error('stopped by request');
    m = engine.migrations.get(name) as MigrationRecord;
    svc = requireRunning(engine, name);
    try {
      await prepareDatabase(engine, svc, m, d);
      if (d.method === 'dump') await dumpOne(engine, svc, m, plan, d, files, abort);
      else await replicateOne(engine, svc, m, plan, d, files, abort);
    } catch (err) {
      engine.migrations.updateDatabase(name, d.dbname, { status: 'failed', phase: 'failed', error: (err as Error).message.slice(0, 2000) });
      throw new Error(`${d.dbname}: ${(err as Error).message}`);
    }
  }
  const dbs = engine.migrations.databases(name);
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  if (dbs.every((d) => d.status === 'done')) {
    finishMigration(engine, name, 'done');
    return `migrated ${dbs.length} database(s) by dump in ${seconds} s: ${dbs.map((d) => d.dbname).join(', ')}`;
  }
  engine.migrations.update(name, { status: 'syncing', operation: null });
  const syncing = dbs.filter((d) => d.status === 'syncing').map((d) => d.dbname);
  return `copied in ${seconds} s; ${syncing.join(', ')} stay in sync by logical replication until POST /v2/dbaas-postgres/${name}/migration/stop`;
}

/** The target's roles, and the settings a user may set there (only those are copied from role and database settings). */
async function targetCatalog(engine: Engine, svc: ServiceRecord): Promise<{ roles: Set<string>; userSettings: Set<string> }> {
  const spec = masterSpec(engine, svc);
  const roles = await engine.runtime.query<{ rolname: string }>(spec, 'SELECT rolname FROM pg_roles');
  const settings = await engine.runtime.query<{ name: string }>(spec, "SELECT name FROM pg_settings WHERE context = 'user'");
  return { roles: new Set(roles.map((r) => r.rolname)), userSettings: new Set(settings.map((r) => r.name)) };
}

/** Source roles made here (never superuser, replication or bypassrls), and the admin made a member so its restore may give them objects. */
async function copyRoles(engine: Engine, svc: ServiceRecord, m: MigrationRecord): Promise<void> {
  const spec = masterSpec(engine, svc);
  const client = await connectSource(sourceOf(engine, m), m.dbname, caOf(engine, m));
  const roles = await readSourceRoles(client).finally(() => client.end().catch(() => undefined));
  const { roles: existing, userSettings } = await targetCatalog(engine, svc);
  const predefined = new Set([...existing].filter((r) => r.startsWith('pg_')));
  const { statements, created } = rolesSql(roles, { admin: svc.adminUsername, targetMajor: Number(svc.major), existing, userSettings, predefined });
  // recorded before they exist: a retry drops what a crash left half-made
  engine.migrations.update(svc.name, { rolesCreated: created });
  for (const s of statements) await engine.runtime.query(spec, s);
}

/** The target database: made through the store (so pools and reconcile know it), owned like on the source; the engine's extensions in it. */
async function prepareDatabase(engine: Engine, svc: ServiceRecord, m: MigrationRecord, d: MigrationDbPlan): Promise<void> {
  const spec = masterSpec(engine, svc);
  const [exists] = await engine.runtime.query<{ n: number }>(spec, 'SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [d.dbname]);
  if (exists?.n && d.dbname === DEFAULT_DATABASE) {
    // the check let it through only when empty: made again, owned as the source's
    await engine.runtime.query(spec, `DROP DATABASE ${quoteIdent(d.dbname)} WITH (FORCE)`);
    engine.services.removeDatabase(svc.name, d.dbname);
  }
  engine.migrations.updateDatabase(svc.name, d.dbname, { phase: 'schema', created: true });
  if (!engine.services.database(svc.name, d.dbname)) engine.services.addDatabase(svc.name, { name: d.dbname, lcCollate: null, lcCtype: null });
  await applyDatabase(engine, svc.name, d.dbname);
  const [role] = await engine.runtime.query<{ n: number }>(spec, 'SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1 AND NOT rolsuper', [d.owner]);
  if (role?.n && d.owner !== svc.adminUsername) await engine.runtime.query(spec, `ALTER DATABASE ${quoteIdent(d.dbname)} OWNER TO ${quoteIdent(d.owner)}`);
  const client = await connectSource(sourceOf(engine, m), d.dbname, caOf(engine, m));
  const { oid, onSource, extras } = await (async () => {
    const [row] = (await client.query<{ oid: number }>('SELECT oid::int AS oid FROM pg_database WHERE datname = current_database()')).rows;
    const exts = (await client.query<{ extname: string }>('SELECT extname FROM pg_extension')).rows;
    return { oid: row?.oid ?? null, onSource: exts, extras: await readDatabaseExtras(client) };
  })().finally(() => client.end().catch(() => undefined));
  engine.migrations.updateDatabase(svc.name, d.dbname, { sourceOid: oid });
  // the database's own grants and settings first: an owner of a schema needs CREATE on the database
  const { roles, userSettings } = await targetCatalog(engine, svc);
  for (const statement of databaseSql(d.dbname, extras, { roles, userSettings }).statements) await engine.runtime.query(spec, statement);
  const available = new Set((await engine.runtime.query<{ name: string }>(spec, 'SELECT name FROM pg_available_extensions')).map((r) => r.name));
  for (const { extname } of onSource) {
    if (ENGINE_EXTENSIONS.includes(extname) && available.has(extname)) {
      await engine.runtime.query(spec, `CREATE EXTENSION IF NOT EXISTS ${quoteIdent(extname)}`, [], d.dbname);
    }
  }
}

function migrateOptions(engine: Engine, svc: ServiceRecord, m: MigrationRecord, plan: MigrationPlan, d: MigrationDbPlan, files: SourceFiles, abort: AbortSignal): MigrateOptions {
  const master = masterSpec(engine, svc);
  return {
    src: sourceOf(engine, m), files, database: d.dbname,
    target: { socketDir: paths(master.root).run, port: master.port, user: svc.adminUsername, database: d.dbname },
    toolsBin: plan.toolsBin, runAs: engine.serviceRunAs(svc), workDir: migrationDir(engine, svc),
    skipExtensions: [...ENGINE_EXTENSIONS],
    onProgress: (p) => {
      engine.migrations.updateDatabase(svc.name, d.dbname, { tablesDone: p.tablesDone, tablesTotal: p.tablesTotal });
      // pg_dump and pg_restore are streaming rows
      if (p.tablesStarted > 0) crashPoint('migration:copying');
    },
    signal: abort,
  };
}

async function dumpOne(engine: Engine, svc: ServiceRecord, m: MigrationRecord, plan: MigrationPlan, d: MigrationDbPlan, files: SourceFiles, abort: AbortSignal): Promise<void> {
  engine.migrations.updateDatabase(svc.name, d.dbname, { phase: 'data' });
  const result = await dumpDatabase(migrateOptions(engine, svc, m, plan, d, files, abort));
  await engine.runtime.query(masterSpec(engine, svc), 'ANALYZE', [], d.dbname);
  engine.migrations.updateDatabase(svc.name, d.dbname, {
    status: 'done', phase: 'done', tablesDone: result.tablesTotal, tablesTotal: result.tablesTotal,
    warning: result.ownersReassigned ? `${result.ownersReassigned} object(s) owned by a source role that is not migrated now belong to ${svc.adminUsername}` : null,
  });
}

/** Every user table of the source database, quoted: the publication's list when the source user is not a superuser. */
async function sourceTables(sql: Sql): Promise<string[]> {
  const rows = await sql<{ t: string }>(`SELECT '"' || replace(n.nspname, '"', '""') || '"."' || replace(c.relname, '"', '""') || '"' AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND c.relpersistence = 'p' AND NOT c.relispartition
       AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
       AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = 'pg_class'::regclass AND dep.objid = c.oid AND dep.deptype = 'e')
     ORDER BY 1`);
  return rows.map((r) => r.t);
}

async function replicateOne(engine: Engine, svc: ServiceRecord, m: MigrationRecord, plan: MigrationPlan, d: MigrationDbPlan, files: SourceFiles, abort: AbortSignal): Promise<void> {
  await copySchema(migrateOptions(engine, svc, m, plan, d, files, abort));
  const rec = engine.migrations.database(svc.name, d.dbname) as MigrationDatabase;
  const names = namesOf(m, rec);
  const src = sourceOf(engine, m);
  await withSource(engine, m, d.dbname, async (sql) => startReplication(sql, targetSql(engine, svc, d.dbname), {
    names, allTables: plan.superuser, tables: plan.superuser ? [] : await sourceTables(sql),
    conninfo: sourceConninfo(src, d.dbname, files), sourceMajor: Number(plan.sourceMajor),
  }));
  engine.migrations.updateDatabase(svc.name, d.dbname, { phase: 'copy' });
  // until every table's initial copy is done; the watch follows it from then on
  let unreachableSince: number | null = null;
  for (;;) {
    if (abort.aborted) throw new Error('stopped by request');
    const state = await observe(engine, svc, m, engine.migrations.database(svc.name, d.dbname) as MigrationDatabase);
    if (state.failure) throw new Error(state.failure);
    if (state.unreachable) {
      unreachableSince ??= Date.now();
      if (Date.now() - unreachableSince > sourceGraceMs()) throw new Error(`the source is unreachable (${state.unreachable}) during the initial copy`);
    } else {
      unreachableSince = null;
    }
    if (state.copied) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  engine.migrations.updateDatabase(svc.name, d.dbname, { status: 'syncing', phase: 'streaming', warning: null });
}

interface Observation {
  copied: boolean;
  failure: string | null;
  unreachable: string | null;
}

/** One look at a replicated database: progress stored, and whether it failed, finished its copy, or lost its source. */
async function observe(engine: Engine, svc: ServiceRecord, m: MigrationRecord, d: MigrationDatabase): Promise<Observation> {
  const names = namesOf(m, d);
  const target = targetSql(engine, svc, d.dbname);
  let client: pg.Client | null = null;
  let unreachable: string | null = null;
  try {
    client = await connectSource(sourceOf(engine, m), d.dbname, caOf(engine, m), { connectTimeoutMs: 5000 });
  } catch (err) {
    unreachable = (err as Error).message;
  }
  try {
    let p: ReplicationProgress;
    try {
      p = await replicationProgress(client ? sqlOf(client) : null, target, names);
    } catch (err) {
      if (!client) throw err;
      // the source went away between the connection and the question: what the target alone says
      unreachable = (err as Error).message;
      p = await replicationProgress(null, target, names);
    }
    engine.migrations.updateDatabase(svc.name, d.dbname, {
      tablesTotal: p.tablesTotal, tablesDone: p.tablesDone, lagBytes: p.lagBytes,
      warning: unreachable ? `source unreachable since ${new Date().toISOString()}: ${unreachable}`.slice(0, 500) : null,
    });
    if (!p.subscriptionEnabled) {
      const why = lastApplyError(logTail(engine, svc)) ?? 'the subscription stopped on an error';
      // disable_on_error stops it on a lost connection too: that is the source going away, not a failed change
      if (!CONNECTION_LOST.test(why)) return { copied: false, failure: `replication stopped: ${why}`, unreachable };
      if (unreachable) return { copied: false, failure: null, unreachable };
      await target(`ALTER SUBSCRIPTION ${quoteIdent(names.subscription)} ENABLE`);
      engine.migrations.updateDatabase(svc.name, d.dbname, { warning: `the source closed the connection (${why}); replication resumed` });
      return { copied: false, failure: null, unreachable: null };
    }
    if (!unreachable && p.slot === 'missing') return { copied: false, failure: `the replication slot ${names.slot} is gone from the source`, unreachable };
    if (!unreachable && p.slot === 'lost') return { copied: false, failure: 'the source removed WAL the target had not received yet (slot lost); retry the migration', unreachable };
    return { copied: p.tablesTotal > 0 ? p.tablesDone === p.tablesTotal && !p.copying : !p.copying, failure: null, unreachable };
  } finally {
    await client?.end().catch(() => undefined);
  }
}

/** A replication worker's error that says the source went away, not that a change failed to apply. */
const CONNECTION_LOST = /could not (?:receive data from WAL stream|connect to the publisher|send data to WAL stream)|server closed the connection|connection to server .* failed|terminating connection due to/i;

function logTail(engine: Engine, svc: ServiceRecord): string {
  return recentLog(masterSpec(engine, svc).root);
}

// ---------------------------------------------------------------------------------------------------------------
// Ending: done, failed, stopped, cleaned up

function finishMigration(engine: Engine, name: string, status: 'done' | 'failed', error?: string): void {
  engine.migrations.update(name, { status, error: error ?? null, finishedAt: new Date().toISOString(), operation: null });
  const svc = engine.services.get(name);
  if (svc) forgetPassword(engine, svc);
}

/** Kills the migration's programs (pg_dump, pg_restore), which run in its directory. */
async function killChildren(engine: Engine, svc: ServiceRecord): Promise<void> {
  const found = processesUnder(migrationDir(engine, svc));
  for (const p of found) signal(p.pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (processesUnder(migrationDir(engine, svc)).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const p of processesUnder(migrationDir(engine, svc))) signal(p.pid, 'SIGKILL');
}

/** Drops a database's subscription here and its slot and publication on the source; what is left on the source is remembered. */
async function tearDown(engine: Engine, svc: ServiceRecord, m: MigrationRecord, d: MigrationDatabase): Promise<string[]> {
  if (d.method !== 'replication' || d.sourceOid === null) return [];
  let client: pg.Client | null = null;
  try {
    client = await connectSource(sourceOf(engine, m), d.dbname, caOf(engine, m), { connectTimeoutMs: 5000 });
  } catch {
    client = null;
  }
  try {
    const hasDb = (await engine.runtime.query<{ n: number }>(masterSpec(engine, svc), 'SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [d.dbname]))[0]?.n;
    if (!hasDb) return [];
    const { leftovers } = await teardownReplication(client ? sqlOf(client) : null, targetSql(engine, svc, d.dbname), namesOf(m, d));
    return leftovers;
  } finally {
    await client?.end().catch(() => undefined);
  }
}

/** A migration ends as failed: replications torn down (both sides), the error kept, the password forgotten when nothing is left on the source. */
async function failMigration(engine: Engine, name: string, error: string): Promise<void> {
  const svc = engine.services.get(name);
  const m = engine.migrations.get(name);
  if (!svc || !m) return;
  await killChildren(engine, svc);
  const leftovers: string[] = [];
  for (const d of engine.migrations.databases(name)) {
    if (d.status === 'running' || d.status === 'syncing') {
      engine.migrations.updateDatabase(name, d.dbname, { status: 'failed', phase: 'failed', error: d.error ?? `not finished: ${error}`.slice(0, 2000) });
    }
    leftovers.push(...(await tearDown(engine, svc, m, d).catch((err: Error) => [`-- ${d.dbname}: ${err.message}`])));
  }
  engine.migrations.update(name, { leftovers });
  finishMigration(engine, name, 'failed', error.slice(0, 2000));
}

/** Before a new attempt after a failed one: its databases, roles and source objects dropped. */
async function cleanUpAttempt(engine: Engine, svc: ServiceRecord, prev: MigrationRecord): Promise<void> {
  await killChildren(engine, svc);
  const spec = masterSpec(engine, svc);
  for (const d of engine.migrations.databases(svc.name)) {
    if (prev.leftovers.length) await tearDown(engine, svc, prev, d).catch(() => []);
    if (!d.created || prev.status === 'done' || d.status === 'done') continue;
    await engine.runtime.query(spec, `DROP DATABASE IF EXISTS ${quoteIdent(d.dbname)} WITH (FORCE)`);
    engine.services.removeDatabase(svc.name, d.dbname);
    if (d.dbname === DEFAULT_DATABASE) {
      engine.services.addDatabase(svc.name, { name: DEFAULT_DATABASE, lcCollate: null, lcCtype: null });
      await applyDatabase(engine, svc.name, DEFAULT_DATABASE);
    }
  }
  if (prev.status !== 'done') {
    for (const role of prev.rolesCreated) {
      await engine.runtime.query(spec, `DROP ROLE IF EXISTS ${quoteIdent(role)}`).catch((err: Error) => {
        console.error(`${svc.name}: role ${role} of a failed migration is kept: ${err.message}`);
      });
    }
  }
}

// POST /v2/dbaas-postgres/{name}/migration/stop
export async function stopMigration(engine: Engine, name: string): Promise<Operation> {
  requireService(engine, name);
  const m = engine.migrations.get(name);
  if (!m || (m.status !== 'running' && m.status !== 'syncing')) {
    throw new ApiError('conflict', `service ${name} has no migration running or syncing${m ? ` (it is ${m.status})` : ''}`);
  }
  const pending = engine.operations.pendingFor(name);
  if (m.status === 'running' && pending?.command === 'migration') {
    // the copy is under way: it stops, fails as asked, and its databases stay until a retry or a DELETE
    aborts.get(name)?.abort();
    await killChildren(engine, requireService(engine, name));
    return toApiOperation(pending, engine);
  }
  return withOperation(engine, name, 'migration-stop', {}, (op) => {
    engine.migrations.update(name, { operation: op.id });
    return runLater(engine, op, () => cutOverAll(engine, name));
  });
}

/** Cut-over of every syncing database: caught up to the source's position at the stop, sequences set, replication dropped. */
export async function cutOverAll(engine: Engine, name: string): Promise<string> {
  const svc = requireRunning(engine, name);
  const m = engine.migrations.get(name) as MigrationRecord;
  const said: string[] = [];
  for (const d of engine.migrations.databases(name)) {
    if (d.status !== 'syncing') continue;
    const t0 = Date.now();
    engine.migrations.updateDatabase(name, d.dbname, { phase: 'cut-over' });
    const cut = await withSource(engine, m, d.dbname, (sql) => cutOver(sql, targetSql(engine, svc, d.dbname), namesOf(m, d), {
      ...(d.stopLsn ? { stopLsn: d.stopLsn } : {}),
      onStopLsn: (lsn) => engine.migrations.updateDatabase(name, d.dbname, { stopLsn: lsn }),
      noProgressTimeoutMs: CUT_OVER_NO_PROGRESS_MS,
    }));
    if (cut.leftovers.length) engine.migrations.update(name, { leftovers: [...(engine.migrations.get(name)?.leftovers ?? []), ...cut.leftovers] });
    await engine.runtime.query(masterSpec(engine, svc), 'ANALYZE', [], d.dbname);
    engine.migrations.updateDatabase(name, d.dbname, { status: 'done', phase: 'done', lagBytes: 0, warning: null });
    said.push(`${d.dbname} writable ${((Date.now() - t0) / 1000).toFixed(1)} s after the stop`);
  }
  const dbs = engine.migrations.databases(name);
  if (dbs.some((d) => d.status === 'failed')) finishMigration(engine, name, 'failed', dbs.find((d) => d.error)?.error ?? 'a database failed');
  else finishMigration(engine, name, 'done');
  return `cut over: ${said.join('; ') || 'nothing was syncing'}. Writes made on the source after the stop are not migrated.`;
}

// ---------------------------------------------------------------------------------------------------------------
// Status, watch, restart, delete

/**
 * Bytes loaded so far into each database still copying rows: the target database's size less what an empty
 * one takes (rows arrive before indexes are built, so this is the rows' size), capped at the source's.
 */
async function bytesLoaded(engine: Engine, svc: ServiceRecord, dbs: MigrationDatabase[]): Promise<Map<string, number>> {
  const loading = dbs.filter((d) => d.status === 'running' && (d.phase === 'data' || d.phase === 'copy') && d.bytesTotal !== null);
  const found = new Map<string, number>();
  if (!loading.length || engine.runtime.pid(masterSpec(engine, svc).root) === null) return found;
  const rows = await engine.runtime.query<{ datname: string; loaded: string }>(masterSpec(engine, svc),
    `SELECT datname, greatest(pg_database_size(datname) - pg_database_size('template0'), 0)::text AS loaded
       FROM pg_database WHERE datname = ANY($1)`, [loading.map((d) => d.dbname)]).catch(() => []);
  for (const r of rows) {
    const d = loading.find((x) => x.dbname === r.datname);
    if (d) found.set(r.datname, Math.min(Number(r.loaded), d.bytesTotal ?? 0));
  }
  return found;
}

// GET /v2/dbaas-migration-status/{name}
export async function migrationStatusView(engine: Engine, name: string): Promise<Record<string, unknown>> {
  const svc = requireService(engine, name);
  const m = engine.migrations.get(name);
  if (!m) throw new ApiError('not-found', `service ${name} has no migration`);
  const dbs = engine.migrations.databases(name);
  const loaded = await bytesLoaded(engine, svc, dbs);
  const methods = new Set(dbs.map((d) => d.method));
  return {
    status: m.status,
    method: methods.size === 1 && m.status !== 'failed' ? [...methods][0] : '',
    ...(m.error ? { error: m.error } : {}),
    details: dbs.map((d) => ({
      dbname: d.dbname,
      method: d.method,
      status: d.status,
      ...(d.error ? { error: d.error } : {}),
      'pgdeck-phase': d.phase,
      ...(d.tablesTotal !== null ? { 'pgdeck-tables-total': d.tablesTotal, 'pgdeck-tables-done': d.tablesDone ?? 0 } : {}),
      ...(d.bytesTotal !== null ? { 'pgdeck-bytes-total': d.bytesTotal } : {}),
      ...(d.bytesTotal !== null && (d.status === 'done' || d.status === 'syncing' || loaded.has(d.dbname))
        ? { 'pgdeck-bytes-done': d.status === 'running' ? (loaded.get(d.dbname) ?? 0) : d.bytesTotal } : {}),
      ...(d.method === 'replication' ? { 'pgdeck-lag-bytes': d.lagBytes } : {}),
      ...(d.warning ? { 'pgdeck-warning': d.warning } : {}),
      'pgdeck-updated-at': d.updatedAt,
    })),
    'pgdeck-source': { host: m.host, port: m.port, username: m.username, 'ssl-mode': m.sslMode },
    'pgdeck-started-at': m.startedAt,
    ...(m.finishedAt ? { 'pgdeck-finished-at': m.finishedAt } : {}),
    ...(m.operation ? { 'pgdeck-operation': m.operation } : {}),
    ...(m.leftovers.length ? { 'pgdeck-leftovers': m.leftovers } : {}),
  };
}

/**
 * Follows syncing migrations between operations (the supervisor calls it every few seconds): lag stored;
 * a copy left running by an engine restart marked syncing when done; a lost slot or a stopped
 * subscription fails the migration. An unreachable source is only a warning: its slot keeps our WAL.
 */
export async function watchMigrations(engine: Engine): Promise<void> {
  for (const m of engine.migrations.live()) {
    if (engine.operations.pendingFor(m.service)?.command.startsWith('migration')) continue;
    const svc = engine.services.get(m.service);
    if (!svc || svc.phase !== 'running') continue;
    for (const d of engine.migrations.databases(m.service)) {
      if (d.method !== 'replication' || (d.phase !== 'copy' && d.phase !== 'streaming')) continue;
      const seen = await observe(engine, svc, m, d).catch((err: Error) => ({ copied: false, failure: null, unreachable: err.message }));
      if (seen.failure) {
        engine.migrations.updateDatabase(m.service, d.dbname, { error: seen.failure });
        await failMigration(engine, m.service, `${d.dbname}: ${seen.failure}`);
        engine.services.notify(m.service, { level: 'warning', type: 'service_migration_failed', message: `migration failed: ${d.dbname}: ${seen.failure}`.slice(0, 1024), metadata: {} });
        break;
      }
      if (d.phase === 'copy' && seen.copied) engine.migrations.updateDatabase(m.service, d.dbname, { status: 'syncing', phase: 'streaming' });
    }
    const dbs = engine.migrations.databases(m.service);
    const now = engine.migrations.get(m.service);
    if (now?.status === 'running' && dbs.length && dbs.every((d) => d.status === 'syncing')) engine.migrations.update(m.service, { status: 'syncing' });
  }
}

/**
 * An engine restart cut a migration off. pg_dump and pg_restore died with it (or are killed here): a dump
 * fails, to be retried by PUT. Subscriptions keep working without the engine: a replication whose
 * databases were all copying or streaming carries on, and the watch follows it; one cut off earlier fails.
 */
export async function resumeMigration(engine: Engine, op: OperationRow): Promise<void> {
  const svc = requireService(engine, op.service);
  await killChildren(engine, svc);
  const dbs = engine.migrations.databases(op.service);
  const carriesOn = dbs.length > 0 && dbs.every((d) => d.method === 'replication' && ['copy', 'streaming'].includes(d.phase));
  if (!carriesOn) {
    await failMigration(engine, op.service, 'interrupted by an engine restart during the copy: retry with PUT and migration');
    throw new Error('the migration was cut off during its copy; retry with PUT and migration');
  }
  engine.migrations.update(op.service, { operation: null });
}

export const resumeMigrationStop = async (engine: Engine, op: OperationRow): Promise<void> => {
  await cutOverAll(engine, op.service);
};

/** Migrations recorded with a create and not started (the engine stopped first): started now. */
export async function startPendingMigrations(engine: Engine): Promise<void> {
  for (const m of engine.migrations.live()) {
    if (m.status === 'running' && !m.operation && engine.services.get(m.service)?.phase === 'running') await startRecordedMigration(engine, m.service);
  }
}

/** Before a service is deleted: its migration's programs killed, and its publications and slots dropped on the source (best effort). */
export async function abandonMigration(engine: Engine, svc: ServiceRecord): Promise<string[]> {
  const m = engine.migrations.get(svc.name);
  if (!m) return [];
  aborts.get(svc.name)?.abort();
  await killChildren(engine, svc);
  const leftovers: string[] = [];
  for (const d of engine.migrations.databases(svc.name)) {
    leftovers.push(...(await tearDown(engine, svc, m, d).catch((err: Error) => [`-- ${d.dbname}: ${err.message}`])));
  }
  return leftovers;
}

