// What pg_upgrade reported as standing in the way of an upgrade, per check and database, from its
// output and the report files it writes (one per failed check; most say "In database: X" before
// each database's list).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

export interface UpgradeProblem {
  /** pg_upgrade's own words for the check, e.g. `Checking for reg* data types in user tables`. */
  check: string;
  /** The databases it found the problem in (none when it is not about a database). */
  dbnames: string[];
  /** What pg_upgrade wrote about it: the report file's content, or its message. */
  detail: string;
}

/*
 * The checks pg_upgrade makes of the old cluster, as read in src/bin/pg_upgrade/check.c of REL_15_STABLE,
 * REL_17_STABLE and REL_18_STABLE (and their `strings` in the installed 15.18, 17.12 and 18.6 binaries),
 * with the report file each writes when it fails. "old ≤ N": only when the old cluster is of major N or
 * older. With old clusters of 13 to 17, those marked old ≤ 11 or older never fire.
 *
 *  every version, without a report file: cluster versions (old at least 9.2, new = pg_upgrade's major,
 *    no downgrade, bindirs of the data directories' majors); pg_control compatibility (block and WAL
 *    segment sizes, float8 by value, data checksums on in both or neither: pgUpgrade matches the new
 *    cluster's to the old's); the user is the bootstrap superuser and the only role of the new cluster;
 *    no prepared transactions (old and new); the new cluster is empty; new tablespace directories do not
 *    exist yet; in link mode, hard links between the two data directories work.
 *  databases_with_datallowconn_false.txt (15, 17; a name per line) / databases_cannot_connect_to.txt
 *    (18, also datconnlimit -2: a DROP DATABASE cut short): every database but template0 takes connections.
 *  contrib_isn_and_int8_pass_by_value.txt: contrib/isn with a different bigint passing (never between
 *    two 64-bit builds).
 *  tables_using_composite.txt: system-defined composite types in user tables.
 *  tables_using_reg.txt: reg* types in user tables (regproc, regprocedure, regoper, regoperator,
 *    regconfig, regdictionary, regnamespace, regcollation; not regclass, regrole, regtype).
 *  tables_using_aclitem.txt: the "aclitem" type in user tables (old ≤ 15; pg_upgrade 16 and later).
 *  tables_using_line.txt (old ≤ 9.3), tables_using_unknown.txt (old ≤ 9.6), tables_using_sql_identifier.txt,
 *    tables_using_abstime.txt, tables_using_reltime.txt, tables_using_tinterval.txt, tables_with_oids.txt
 *    (old ≤ 11), tables_using_jsonb.txt (9.4 beta), pg_role_prefix.txt (roles named pg_*, old ≤ 9.5),
 *    hash indexes (old ≤ 9.6): formats and features of releases older than pgdeck runs.
 *  encoding_conversions.txt, postfix_ops.txt, incompatible_polymorphics.txt (old ≤ 13): user-defined
 *    encoding conversions, postfix operators, and functions or aggregates on the anyarray signatures 14 changed.
 *  not_null_inconsistent_columns.txt: inheritance children lacking a parent's NOT NULL (every old cluster
 *    in 17 and 18; 15.18 has it too, back-patched).
 *  invalid_logical_slots.txt, subs_invalid.txt (pg_upgrade 17 and later, old ≥ 17): logical slots that
 *    have not consumed all WAL or use a plugin the new cluster lacks; subscriptions in a state that cannot move.
 *    Also the new cluster's max_replication_slots and max_active_replication_origins, without a report file.
 *  unicode_dependent_rels.txt (18): indexes and constraints on expressions whose results depend on the
 *    Unicode version, when the two clusters' versions differ.
 *  loadable_libraries.txt: every C library the old cluster's functions name loads in the new cluster
 *    ("$libdir/hstore": the extension's .so must be in the new bindir's pkglibdir).
 */
const CHECKS: Record<string, string> = {
  'databases_with_datallowconn_false.txt': 'Checking database connection settings',
  'databases_cannot_connect_to.txt': 'Checking database connection settings',
  'contrib_isn_and_int8_pass_by_value.txt': 'Checking for contrib/isn with bigint-passing mismatch',
  'tables_using_composite.txt': 'Checking for system-defined composite types in user tables',
  'tables_using_reg.txt': 'Checking for reg* data types in user tables',
  'tables_using_aclitem.txt': 'Checking for incompatible "aclitem" data type',
  'tables_using_line.txt': 'Checking for incompatible "line" data type',
  'tables_using_unknown.txt': 'Checking for invalid "unknown" user columns',
  'tables_using_sql_identifier.txt': 'Checking for invalid "sql_identifier" user columns',
  'tables_using_jsonb.txt': 'Checking for incompatible "jsonb" data type in user tables',
  'tables_using_abstime.txt': 'Checking for removed "abstime" data type in user tables',
  'tables_using_reltime.txt': 'Checking for removed "reltime" data type in user tables',
  'tables_using_tinterval.txt': 'Checking for removed "tinterval" data type in user tables',
  'tables_with_oids.txt': 'Checking for tables WITH OIDS',
  'pg_role_prefix.txt': 'Checking for roles starting with "pg_"',
  'encoding_conversions.txt': 'Checking for user-defined encoding conversions',
  'postfix_ops.txt': 'Checking for user-defined postfix operators',
  'incompatible_polymorphics.txt': 'Checking for incompatible polymorphic functions',
  'not_null_inconsistent_columns.txt': 'Checking for not-null constraint inconsistencies',
  'invalid_logical_slots.txt': 'Checking for valid logical replication slots',
  'subs_invalid.txt': 'Checking for subscription state',
  'unicode_dependent_rels.txt': 'Checking for objects affected by Unicode update',
  'loadable_libraries.txt': 'Checking for presence of required libraries',
};

/** Files that list database names, one per line, rather than "In database: X" sections. */
const NAME_LISTS = new Set(['databases_with_datallowconn_false.txt', 'databases_cannot_connect_to.txt']);

const DETAIL_MAX = 4000;
const clip = (text: string): string => (text.length > DETAIL_MAX ? `${text.slice(0, DETAIL_MAX)}\n…` : text);

/** The databases a report file names. */
export function reportDatabases(file: string, text: string): string[] {
  const names = NAME_LISTS.has(basename(file))
    ? text.split('\n').filter((l) => l.trim() !== '')
    : [...text.matchAll(/^In database: (.*)$/gm), ...text.matchAll(/\bdatabase:"([^"]*)"/g)].map((m) => m[1] ?? '');
  return [...new Set(names)];
}

/** The problems in pg_upgrade's report files; when there are none, the failure its output ends with. */
export function reportedProblems(output: string, files: string[]): UpgradeProblem[] {
  const problems = files.flatMap((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return [];
    }
    const name = basename(file);
    return [{ check: CHECKS[name] ?? name.replace(/\.txt$/, ''), dbnames: reportDatabases(file, text), detail: clip(text.trim()) }];
  });
  if (problems.length) return problems;
  return [failureOf(output)];
}

/** The status line that failed and pg_upgrade's message after it (a version mismatch, a refused connection...). */
function failureOf(output: string): UpgradeProblem {
  const lines = output.replace(/\r/g, '').split('\n');
  let at = -1;
  for (let i = lines.length - 1; i >= 0 && at < 0; i--) if (/^\S.*?\s{2,}(fatal|failed check: .*)$|^Checking /.test(lines[i] ?? '')) at = i;
  const status = at >= 0 ? (lines[at] ?? '') : '';
  const check = /failed check: (.*)$/.exec(status)?.[1] ?? (status.replace(/\s{2,}\S.*$/, '').trim() || 'pg_upgrade');
  const message = lines.slice(at + 1).filter((l) => !/^Failure, exiting$/.test(l.trim())).join('\n').trim();
  return { check, dbnames: [], detail: clip(message || output.trim()) };
}
