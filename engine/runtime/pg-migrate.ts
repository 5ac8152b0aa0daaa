// The dump method of a migration, for one database (design §3.2): a snapshot exported
// and held over a source session; the schema dumped once with it (custom format, read
// by pg_restore only, never plain SQL through psql) and restored as the service's
// admin in two steps around the rows; the rows streamed `pg_dump | pg_restore`, so
// dumping and loading overlap. Every program runs as the service's OS user in its
// migration directory, with nothing in its environment but libpq's variables: the
// source's password is only ever in the passfile.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { reservedUsername } from '@/lib/schemas/common';
import type { MigrationSource } from '@/lib/schemas/migration';
import { connectSource, sourceEnv, type SourceFiles } from './migration-source';
import { CommandError, pipe, run, type RunAs } from './process';

export interface TargetDb {
  socketDir: string;
  port: number;
  user: string;
  database: string;
  /** Tests; the engine uses peer auth as the admin. */
  passfile?: string;
}

export interface MigrateOptions {
  src: MigrationSource;
  files: SourceFiles;
  /** The source database. */
  database: string;
  target: TargetDb;
  toolsBin: string;
  runAs: RunAs | null;
  /** 0700, owned by runAs; children run with this cwd. */
  workDir: string;
  /** Already created by the engine: their EXTENSION/COMMENT TOC entries are filtered out. */
  skipExtensions?: string[];
  /** `tablesStarted`: tables whose rows are streaming or done. */
  onProgress?: (p: { tablesDone: number; tablesStarted: number; tablesTotal: number }) => void;
  signal?: AbortSignal;
}

export interface MigrateResult {
  ownersReassigned: number;
  tablesTotal: number;
}

/** What neither a service's admin may restore nor a migration carries. */
const NOT_COPIED = ['--no-publications', '--no-subscriptions', '--no-security-labels', '--no-tablespaces'];
/** A copy is as long as the data: the abort signal ends it, not a clock. */
const NO_TIMEOUT = 7 * 24 * 3600_000;

/**
 * Tables whose rows pg_dump copies (each one `processing data for table` line of pg_restore -v): ordinary
 * tables and partitions, not an extension's (their configuration tables aside), in the schemas it dumps.
 */
const TABLES_WITH_DATA = `
  SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind = 'r' AND c.relpersistence <> 't'
     AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
     AND (NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
          OR EXISTS (SELECT 1 FROM pg_extension e WHERE c.oid = ANY (e.extconfig)))`;

/** Dump method for one database: snapshot exported and held over a source session, schema dump (-Fc) → filtered TOC → pre-data restore, then `pg_dump -Fc -Z0 --data-only --snapshot | pg_restore --data-only -v` as a pipe, then post-data. */
export async function dumpDatabase(opts: MigrateOptions): Promise<MigrateResult> {
  const session = await holdSnapshot(opts);
  const files = workFiles(opts.workDir);
  try {
    await dumpSchema(opts, files, session.snapshot);
    const owners = await restoreSchema(opts, files, 'pre-data');
    session.check();
    await copyData(opts, session);
    session.check();
    await session.release();
    return { ownersReassigned: owners + await restoreSchema(opts, files, 'post-data'), tablesTotal: session.tables };
  } finally {
    await session.release();
    files.remove();
  }
}

/** For replication: pre-data and post-data only (no data, no snapshot needed). */
export async function copySchema(opts: MigrateOptions): Promise<MigrateResult> {
  const files = workFiles(opts.workDir);
  try {
    const client = await sourceClient(opts);
    const tables = await client.query<{ n: number }>(TABLES_WITH_DATA).finally(() => client.end().catch(() => undefined));
    await dumpSchema(opts, files, null);
    const owners = await restoreSchema(opts, files, 'pre-data');
    return { ownersReassigned: owners + await restoreSchema(opts, files, 'post-data'), tablesTotal: tables.rows[0]?.n ?? 0 };
  } finally {
    files.remove();
  }
}

interface Snapshot {
  snapshot: string;
  tables: number;
  /** Throws when the source session that holds the snapshot was lost. */
  check(): void;
  release(): Promise<void>;
}

const sourceClient = (opts: MigrateOptions): Promise<pg.Client> =>
  connectSource(opts.src, opts.database, opts.src.sslMode === 'disable' ? '' : readFileSync(opts.files.caFile, 'utf8'));

/** A repeatable-read transaction on the source whose snapshot both pg_dumps import: schema and rows agree. */
async function holdSnapshot(opts: MigrateOptions): Promise<Snapshot> {
  const client = await sourceClient(opts);
  let lost: Error | null = null;
  client.on('error', (err) => {
    lost = err;
  });
  client.on('end', () => {
    lost ??= new Error('the source closed the connection');
  });
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    await client.query('COMMIT').catch(() => undefined);
    await client.end().catch(() => undefined);
  };
  try {
    // a copy can keep this transaction idle for hours: the source's timeouts must not end it
    const { rows: [v] } = await client.query<{ n: number }>("SELECT current_setting('server_version_num')::int AS n");
    await client.query('SET idle_in_transaction_session_timeout = 0');
    if ((v?.n ?? 0) >= 170000) await client.query('SET transaction_timeout = 0');
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows: [s] } = await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
    const { rows: [t] } = await client.query<{ n: number }>(TABLES_WITH_DATA);
    return {
      snapshot: s?.id ?? '',
      tables: t?.n ?? 0,
      check: () => {
        if (lost && !released) throw new Error(`the source session holding the dump's snapshot was lost: ${(lost as Error).message}`);
      },
      release,
    };
  } catch (err) {
    await release();
    throw err;
  }
}

interface WorkFiles {
  dump: string;
  /** TOC of the schemas (with their ACLs and comments), restored first. */
  schemas: string;
  /** TOC of everything else that is restored. */
  rest: string;
  remove(): void;
}

function workFiles(dir: string): WorkFiles {
  const tag = randomBytes(4).toString('hex');
  const names = { dump: `schema-${tag}.dump`, schemas: `toc-schemas-${tag}.list`, rest: `toc-${tag}.list` };
  return { ...names, remove: () => Object.values(names).forEach((n) => rmSync(join(dir, n), { force: true })) };
}

const tool = (opts: MigrateOptions, name: string): string => join(opts.toolsBin, name);
const runOptions = (opts: MigrateOptions) => ({ runAs: opts.runAs, cwd: opts.workDir, timeoutMs: NO_TIMEOUT, ...(opts.signal ? { signal: opts.signal } : {}) });

/** libpq's environment for pg_restore: the admin over the service's socket (its passfile only in tests). */
function targetEnv(t: TargetDb): Record<string, string> {
  return { PGHOST: t.socketDir, PGPORT: String(t.port), PGUSER: t.user, PGDATABASE: t.database, ...(t.passfile ? { PGPASSFILE: t.passfile } : {}) };
}

/**
 * Pre-data and post-data in one archive (`--schema-only` would leave out materialized views' data, which is
 * post-data: their REFRESH), and its TOC in two lists: schemas with their privileges first, so that an
 * `ALTER TABLE … OWNER TO` finds the CREATE privilege the new owner has on the source (pg_restore grants
 * only after everything else of a run), then the rest, without event triggers and the engine's extensions.
 */
async function dumpSchema(opts: MigrateOptions, files: WorkFiles, snapshot: string | null): Promise<void> {
  const env = sourceEnv(opts.src, opts.database, opts.files);
  await run(tool(opts, 'pg_dump'), ['-Fc', '--section=pre-data', '--section=post-data', ...(snapshot ? [`--snapshot=${snapshot}`] : []),
    ...NOT_COPIED, '-f', files.dump], { ...runOptions(opts), env });
  const toc = await run(tool(opts, 'pg_restore'), ['-l', files.dump], runOptions(opts));
  const { schemas, rest } = splitToc(toc, opts.skipExtensions ?? []);
  writeFileSync(join(opts.workDir, files.schemas), schemas);
  writeFileSync(join(opts.workDir, files.rest), rest);
}

/** An entry of `pg_restore -l`: `<id>; <catalog oid> <oid> <desc> <schema> <name> <owner>`; null for comments. */
const tocEntry = (line: string): string | null => /^\d+; \d+ \d+ (.*)$/.exec(line)?.[1]?.trimEnd() ?? null;

/** The TOC of a schema dump as two `-L` lists: schemas (and their ACLs and comments), then the rest; event triggers and `skipExtensions` dropped. */
export function splitToc(toc: string, skipExtensions: string[]): { schemas: string; rest: string } {
  const skipped = new Set(skipExtensions.flatMap((x) => [`EXTENSION - ${x}`, `COMMENT - EXTENSION ${x}`]));
  const schemas: string[] = [];
  const rest: string[] = [];
  for (const line of toc.split('\n')) {
    const entry = tocEntry(line);
    if (entry === null) continue;
    if (skipped.has(entry) || /^(COMMENT - )?EVENT TRIGGER /.test(entry)) continue;
    (/^(SCHEMA - |(ACL|COMMENT) - SCHEMA )/.test(entry) ? schemas : rest).push(line);
  }
  return { schemas: schemas.join('\n') + '\n', rest: rest.join('\n') + '\n' };
}

/** One section of the schema, as the admin (pre-data: the schemas' list, then the rest); answers the owners left to the admin. */
async function restoreSchema(opts: MigrateOptions, files: WorkFiles, section: 'pre-data' | 'post-data'): Promise<number> {
  // the schemas' list has no section filter: pg_restore gives an ACL the section of the entry before it in
  // the archive, and `ACL - SCHEMA public` comes first when no other schema precedes it (it would be left out)
  if (section === 'post-data') return restore(opts, ['--section=post-data', '-L', files.rest, ...NOT_COPIED, files.dump]);
  return await restore(opts, ['-L', files.schemas, ...NOT_COPIED, files.dump]) +
    await restore(opts, ['--section=pre-data', '-L', files.rest, ...NOT_COPIED, files.dump]);
}

/** pg_restore without --exit-on-error, its errors classified; answers how many tolerated `OWNER TO` errors it had. */
async function restore(opts: MigrateOptions, args: string[]): Promise<number> {
  const log = new RestoreLog();
  // `-d ''`: connect, to the database of PGDATABASE (a name given with -d could be read as a connection string)
  const done = await run(tool(opts, 'pg_restore'), ['-d', '', ...args], { ...runOptions(opts), env: targetEnv(opts.target), onStderrLine: log.line })
    .then(() => null, (err: unknown) => err);
  log.end();
  opts.signal?.throwIfAborted();
  log.throwErrors(`pg_restore ${args[0] ?? ''}`, done);
  // exit 1 after tolerated errors only ("errors ignored on restore"); any other failure (a signal) as it is
  const tolerated = done instanceof CommandError && done.code === 1 && log.tolerated > 0;
  if (done && !tolerated) throw done;
  return log.ownersReassigned;
}

/** The rows: `pg_dump --data-only | pg_restore --data-only -v`, counting tables as pg_restore starts each. */
async function copyData(opts: MigrateOptions, session: Snapshot): Promise<void> {
  // pg_restore says when it starts a table's rows: the ones before it are done
  let tablesStarted = 0;
  const progress = (tablesDone: number): void => opts.onProgress?.({ tablesDone, tablesStarted, tablesTotal: Math.max(session.tables, tablesStarted) });
  progress(0);
  const log = new RestoreLog((line) => {
    if (line.startsWith('pg_restore: processing data for table ')) {
      tablesStarted += 1;
      progress(tablesStarted - 1);
    }
  });
  const failed = await pipe(
    { file: tool(opts, 'pg_dump'), args: ['-Fc', '-Z0', '--data-only', `--snapshot=${session.snapshot}`], env: sourceEnv(opts.src, opts.database, opts.files) },
    { file: tool(opts, 'pg_restore'), args: ['-d', '', '--data-only', '-v'], env: targetEnv(opts.target) },
    { ...runOptions(opts), onStderrLine: log.line },
  ).then(() => null, (err: unknown) => err);
  log.end();
  opts.signal?.throwIfAborted();
  // pg_dump's failure (the source gone) is the cause of pg_restore's: the pipe reports whichever failed first
  if (failed instanceof CommandError && failed.command.startsWith('pg_dump')) throw failed;
  log.throwErrors('pg_restore --data-only', failed);
  if (failed) throw failed;
  progress(tablesStarted);
}

/** A role name as pg_dump writes it after OWNER TO: bare, or double-quoted with "" inside. */
const unquote = (name: string): string => (name.startsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name);

const ownerTo = (command: string): string | null => {
  const m = /^ALTER .+ OWNER TO ("(?:[^"]|"")+"|[^\s";]+);$/s.exec(command.trim());
  return m?.[1] ? unquote(m[1]) : null;
};

/** The role of `ALTER DEFAULT PRIVILEGES FOR ROLE r …`: objects r creates later, which concerns nobody here when r is not migrated. */
const defaultPrivilegesOf = (command: string): string | null => {
  const m = /^ALTER DEFAULT PRIVILEGES FOR ROLE ("(?:[^"]|"")+"|[^\s";]+)/.exec(command.trim());
  return m?.[1] ? unquote(m[1]) : null;
};

/**
 * pg_restore's standard error, read as it comes. An error is `pg_restore: error: …` and the lines up to the
 * next `pg_restore:` one (`Command was: …`, the statement, DETAIL, HINT). The only one tolerated is an
 * `ALTER … OWNER TO <role>` where the role does not exist here or is reserved (postgres, pg_*): the object
 * stays its creator's, the admin's (design decision 7); and `ALTER DEFAULT PRIVILEGES FOR ROLE <role>` for such
 * a role (it creates nothing here). The others are kept: the entry, the error, the
 * command's first line — never a password, which only the passfile holds.
 */
export class RestoreLog {
  ownersReassigned = 0;
  /** Errors let through: the owners reassigned, and `public`'s owner of a source before 15. */
  tolerated = 0;
  readonly errors: string[] = [];
  private block: string[] = [];
  private context = '';

  constructor(private readonly onLine?: (line: string) => void) {}

  line = (line: string): void => {
    this.onLine?.(line);
    if (!line.startsWith('pg_restore: ')) {
      if (this.block.length) this.block.push(line);
      return;
    }
    this.flush();
    if (line.startsWith('pg_restore: error: ')) this.block = [line];
    else if (line.startsWith('pg_restore: from TOC entry ')) this.context = line;
    else if (line.startsWith('pg_restore: warning: errors ignored on restore:') || line.startsWith('pg_restore: while PROCESSING TOC')) return;
    else if (line.startsWith('pg_restore: warning: ')) this.context = '';
  };

  end(): void {
    this.flush();
  }

  /** Throws the first error (the cause, usually) with how many followed, when there was one. */
  throwErrors(command: string, failure: unknown): void {
    const [first, ...more] = this.errors;
    if (first === undefined) return;
    const code = failure instanceof CommandError ? failure.code : null;
    throw new CommandError(command, code, more.length ? `${first}\n(and ${more.length} more error${more.length > 1 ? 's' : ''})` : first);
  }

  private flush(): void {
    const [head, ...more] = this.block;
    this.block = [];
    if (!head) return;
    const at = more.findIndex((l) => l.startsWith('Command was: '));
    const command = at < 0 ? '' : [more[at]?.slice('Command was: '.length), ...more.slice(at + 1)].join('\n');
    const role = ownerTo(command);
    const missing = role !== null && head.includes(`role "${role}" does not exist`);
    const defaultsOf = defaultPrivilegesOf(command);
    if (defaultsOf !== null && (reservedUsername(defaultsOf) !== null || head.includes(`role "${defaultsOf}" does not exist`))) {
      // default privileges of a role that is not migrated (often the source's superuser): nothing it creates lands here
      this.tolerated += 1;
    } else if (role !== null && (missing || reservedUsername(role) !== null)) {
      this.tolerated += 1;
      // a source before 15 has `public` owned by its superuser; here it is the database owner's, as it should be
      if (!command.startsWith('ALTER SCHEMA public OWNER TO ')) this.ownersReassigned += 1;
    } else {
      const first = command.split('\n')[0] ?? '';
      this.errors.push([this.context, head, ...(first ? [`Command was: ${first.length > 300 ? `${first.slice(0, 300)}…` : first}`] : [])]
        .filter(Boolean).join('\n'));
    }
    this.context = '';
  }
}
