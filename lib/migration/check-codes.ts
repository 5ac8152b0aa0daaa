// What a migration pre-check found, in plain words: each result code of
// POST /v2/dbaas-task-migration-check with what it means and how to fix it.
// Codes about replication stop a migration only when replication was asked
// for; without a method the service copies those databases by dump instead.
// Read with readCheck (lib/upgrade/findings.ts): a code not here still shows,
// with its own line of the task's result.
import type { MigrationMethod } from '@/lib/schemas/migration';
import type { DbaasTask } from '@/lib/schemas/task';
import { readCheck, type CheckReading, type CodeText, type Finding } from '@/lib/upgrade/findings';

const choose = 'or choose the dump method (a one-time copy)';

const codes: Readonly<Record<string, CodeText>> = {
  'source-unreachable': {
    title: 'The source server could not be reached.',
    fix: 'Check the host and port, and that the source’s firewall and listen_addresses let the service connect.',
  },
  'tls-not-trusted': {
    title: 'TLS to the source did not work as set: its certificate is not trusted, it has no TLS, or it takes TLS connections only.',
    fix: 'The details say which. An untrusted certificate: connect by the host name it holds, or choose “Encrypt without verifying”. No TLS at the source: turn TLS off here. TLS only: turn it on.',
  },
  'authentication-failed': {
    title: 'The source refused the user name or the password.',
    fix: 'Check both, and that the source’s pg_hba.conf lets this user connect from the service’s address.',
  },
  'source-version-unsupported': {
    title: 'The source runs a PostgreSQL version older than 10.',
    fix: 'Upgrade the source first: sources from PostgreSQL 10 on can be migrated.',
  },
  'source-newer-than-target': {
    title: 'The source runs a newer PostgreSQL major version than this service.',
    fix: 'Upgrade this service to the source’s version or newer first, or create a service on that version.',
  },
  'migration-tools-missing': {
    title: 'This engine has no pg_dump and pg_restore able to copy from the source’s version into this service’s.',
    fix: 'The details say which versions; the engine’s setup installs the client tools it can (see its README).',
  },
  'source-is-target': {
    title: 'The source is this service itself.',
    fix: 'Give the address of the server to copy from.',
  },
  'insufficient-privileges': {
    title: 'The source user lacks rights the migration needs: to connect to a database, or to read its tables.',
    fix: 'Grant what the details name (CONNECT on the database; SELECT on the tables, or the role pg_read_all_data from PostgreSQL 14), use a superuser of the source, or skip the database.',
  },
  'database-name-unsupported': {
    title: 'This service cannot hold a database of that name (letters, digits, “_” and “-”, at most 40 characters).',
    fix: 'Rename it on the source, or skip it.',
  },
  'extension-not-available': {
    title: 'The database uses an extension this service does not offer.',
    fix: 'Drop it on the source, or skip the database.',
  },
  'extension-not-permitted': {
    title: 'The database uses an extension this service does not allow.',
    fix: 'Drop it on the source, or skip the database.',
  },
  'untrusted-functions': {
    title: 'The database has functions in an untrusted language (C, internal, plpython3u…), which the service’s admin may not create.',
    fix: 'Drop them on the source, or skip the database.',
  },
  'target-database-exists': {
    title: 'This service already has a database of that name.',
    fix: 'Drop it on this service (Databases tab), or skip the database.',
  },
  'target-disk-space': {
    title: 'This service’s disk has too little free space for the source’s databases.',
    fix: 'Move the service to a plan with a larger disk, free space, or skip some databases.',
  },
  'check-failed': {
    title: 'The check could not run.',
    fix: 'The details say why; run the check again.',
  },
  // replication only
  'replication-target-too-old': {
    title: 'Replication needs this service to run PostgreSQL 16 or newer.',
    fix: `Upgrade this service first, ${choose}.`,
  },
  'wal-level-not-logical': {
    title: 'The source’s wal_level is not logical.',
    fix: `Set wal_level = logical on the source and restart it (Amazon RDS: rds.logical_replication = 1), ${choose}.`,
  },
  'replication-not-permitted': {
    title: 'The source user may not replicate.',
    fix: `Give it the REPLICATION attribute (Amazon RDS: the rds_replication role) and allow its replication connections in pg_hba.conf, ${choose}.`,
  },
  'replication-slots-insufficient': {
    title: 'The source has too few free replication slots.',
    fix: `Raise max_replication_slots on the source (a restart) or drop unused slots, ${choose}.`,
  },
  'wal-senders-insufficient': {
    title: 'The source has too few free WAL senders.',
    fix: `Raise max_wal_senders on the source (a restart), ${choose}.`,
  },
  'tables-without-replica-identity': {
    title: 'Tables have no primary key nor replica identity: once published, the source could no longer update or delete their rows.',
    fix: `Add a primary key (or ALTER TABLE … REPLICA IDENTITY FULL), ${choose}.`,
  },
  'tables-not-owned': {
    title: 'The source user does not own every table, which publishing them needs.',
    fix: `Use a superuser or the tables’ owner, ${choose}.`,
  },
  'large-objects': {
    title: 'The database has large objects, which replication does not copy.',
    fix: `Skip the database, ${choose}.`,
  },
  'target-workers-insufficient': {
    title: 'This service has too few logical replication workers for the databases to replicate.',
    fix: `Raise max_logical_replication_workers in this service’s PostgreSQL settings to the number of databases plus 2, ${choose}.`,
  },
  // notices
  'ignore-dbs-unknown': { title: 'A database to skip does not exist on the source.', fix: 'Check its spelling.', notice: true },
  // no fix of its own: its details hold each reason with its fix
  'method-dump-chosen': { title: 'Some databases are copied once by dump rather than kept in sync by replication: the details say why.', notice: true },
  'unlogged-tables': { title: 'Unlogged tables are not replicated: their rows are not copied.', notice: true },
  'sequences-set-at-cut-over': { title: 'Sequences are not replicated: they are set from the source at the cut-over.', notice: true },
  'roles-without-passwords': { title: 'Roles are copied without their passwords: the source user may not read them.', fix: 'Set their passwords on this service after the migration.', notice: true },
  'role-attributes-dropped': { title: 'Some source roles are superusers or have attributes this service does not grant: they are copied without them.', notice: true },
  'extension-version-differs': { title: 'An extension is created at this service’s default version, not the source’s.', notice: true },
  'event-triggers': { title: 'Event triggers are not migrated (only a superuser may create them).', notice: true },
  'system-database-has-tables': { title: 'The source’s postgres database holds tables: system databases are not migrated.', fix: 'Move them to another database if you need them.', notice: true },
  'long-transactions-on-source': { title: 'Long-running transactions on the source delay the start of replication.', notice: true },
  'slot-wal-limit': { title: 'The source may remove WAL the copy still needs (max_slot_wal_keep_size is set).', fix: 'Set it to -1 on the source while the migration runs.', notice: true },
};

/** Codes that stop a migration only when it asked for replication. */
const replicationOnly = new Set([
  'replication-target-too-old',
  'wal-level-not-logical',
  'replication-not-permitted',
  'replication-slots-insufficient',
  'wal-senders-insufficient',
  'tables-without-replica-identity',
  'tables-not-owned',
  'large-objects',
  'target-workers-insufficient',
]);

/** The codes as a check of `method` reads them ('' or undefined: the service chooses). */
export function migrationCheckCodes(method: MigrationMethod | '' | undefined): Readonly<Record<string, CodeText>> {
  if (method === 'replication') return codes;
  return Object.fromEntries(Object.entries(codes).map(([code, text]) => [code, replicationOnly.has(code) ? { ...text, notice: true as const } : text]));
}

/** A result line's detail without the fix it ends with (` — …`, in the API's words): the console says its own. */
const withoutFix = (detail: string): string => detail.split(' — ')[0] ?? detail;

/** Reads a finished migration check of `method`. */
export function readMigrationCheck(task: Pick<DbaasTask, 'success' | 'result' | 'result-codes'>, method: MigrationMethod | '' | undefined): CheckReading {
  const reading = readCheck(task, migrationCheckCodes(method));
  const trim = (f: Finding): Finding => (f.known && f.fix ? { ...f, details: f.details.map(withoutFix) } : f);
  return { ...reading, blockers: reading.blockers.map((g) => ({ ...g, findings: g.findings.map(trim) })), notices: reading.notices.map(trim) };
}

/** How the check says each database would be copied (`replication for a, b; dump for c`), if it says. */
export function methodPlan(result: string): string | null {
  const line = result.split('\n').find((l) => l.startsWith('method:'));
  return line ? line.slice('method:'.length).trim() || null : null;
}
