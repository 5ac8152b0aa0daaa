// What an upgrade check found, in plain words: each result code with what it
// means and how to fix it, blockers grouped by the database they are in,
// notices apart, and each finding's own lines of the task's result. A code
// this table does not know still shows, with its lines.
import type { DbaasTask } from '@/lib/schemas/task';

export interface CodeText {
  title: string;
  fix?: string;
  /** Never stops the upgrade (or the migration): what it does is said. */
  notice?: true;
}

export const checkCodes: Readonly<Record<string, CodeText>> = {
  'target-not-newer': {
    title: 'The target version is not newer than the one the service runs.',
    fix: 'A downgrade is impossible: to go back to an older version, restore a backup into a new service instead.',
  },
  'target-not-installed': {
    title: 'This engine has no PostgreSQL binaries for the target version.',
    fix: 'Choose another version, or ask the operator of the engine to install it.',
  },
  'upgrade-tools-missing': {
    title: 'This engine has no way to upgrade from this version to the target.',
    fix: 'The details below say why; the upgrade matrix in the README lists the pairs this engine can upgrade.',
  },
  'service-not-running': {
    title: 'The service is not running.',
    fix: 'Wait until it runs (or start it), then run the check again.',
  },
  'extension-not-available': {
    title: 'An installed extension does not exist in the target version.',
    fix: 'Drop it (DROP EXTENSION …), or wait until the target version offers it.',
  },
  'extension-no-update-path': {
    title: 'An installed extension’s version cannot be updated to the one of the target version.',
    fix: 'Update it first (ALTER EXTENSION … UPDATE), or drop it.',
  },
  'reg-type-columns': {
    title: 'Tables store reg* types (regproc, regclass…), whose OIDs do not survive an upgrade.',
    fix: 'Change those columns to text or oid.',
  },
  'changed-data-type': {
    title: 'Columns use a data type the target version removed or changed (such as aclitem before 16).',
    fix: 'Alter those columns to another type, or drop them.',
  },
  'prepared-transactions': {
    title: 'Prepared transactions are open.',
    fix: 'Commit or roll them back (COMMIT PREPARED or ROLLBACK PREPARED; they are listed in pg_prepared_xacts).',
  },
  'postfix-operators': {
    title: 'User-defined postfix operators, which the target version no longer accepts.',
    fix: 'Drop them.',
  },
  'incompatible-polymorphics': {
    title: 'Objects use polymorphic functions in a way the target version no longer accepts.',
    fix: 'Drop them (they can be made again with anycompatible types after the upgrade).',
  },
  'user-encoding-conversions': {
    title: 'User-defined encoding conversions, which the target version no longer accepts.',
    fix: 'Drop them.',
  },
  'pg-upgrade-check': {
    title: 'pg_upgrade --check found a problem.',
    fix: 'The details below say what; fix it, then run the check again.',
  },
  'setting-dropped': {
    title: 'A setting of the service does not exist in the target version: the upgrade drops it.',
    notice: true,
  },
};

export interface Finding {
  code: string;
  dbname?: string;
  title: string;
  fix?: string;
  /** The lines of the result about this finding, without their `<code> <dbname>:` prefix. */
  details: string[];
  /** Whether the console knows the code (else its title is the code itself). */
  known: boolean;
}

export interface CheckReading {
  /** No blocker: the upgrade may go ahead. */
  passed: boolean;
  /** Blockers by database, those of the whole service (no database) first. */
  blockers: { dbname?: string; findings: Finding[] }[];
  notices: Finding[];
}

function detailsOf(result: string, code: string, dbname?: string): string[] {
  const prefix = dbname === undefined ? `${code}:` : `${code} ${dbname}:`;
  return result
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length).trim())
    .filter(Boolean);
}

/**
 * Reads a finished check (an upgrade's, or another's with its own table of codes). A code the table does not know
 * is a blocker when the check failed, a notice when it passed.
 */
export function readCheck(task: Pick<DbaasTask, 'success' | 'result' | 'result-codes'>, codes: Readonly<Record<string, CodeText>> = checkCodes): CheckReading {
  const passed = task.success === true;
  const seen = new Set<string>();
  const findings: (Finding & { notice: boolean })[] = [];
  for (const { code, dbname } of task['result-codes']) {
    const key = `${code}\u0000${dbname ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const text = Object.hasOwn(codes, code) ? codes[code] : undefined;
    findings.push({
      code,
      dbname,
      title: text?.title ?? code,
      fix: text?.fix,
      details: detailsOf(task.result, code, dbname),
      known: text !== undefined,
      notice: text ? text.notice === true : passed,
    });
  }
  const groups = new Map<string | undefined, Finding[]>();
  for (const { notice, ...f } of findings) {
    if (notice) continue;
    groups.set(f.dbname, [...(groups.get(f.dbname) ?? []), f]);
  }
  const blockers = [...groups]
    .map(([dbname, list]) => ({ dbname, findings: list }))
    .sort((a, b) => (a.dbname === undefined ? -1 : b.dbname === undefined ? 1 : a.dbname.localeCompare(b.dbname)));
  return { passed, blockers, notices: findings.filter((f) => f.notice).map(({ notice: _, ...f }) => f) };
}
