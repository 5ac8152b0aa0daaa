// Which libc locales a UTF8 database may use, asked of the C library the way
// PostgreSQL asks it, so a wrong lc-collate or lc-ctype is refused before
// anything is created, and each under its own name.
import { run } from './process';

/**
 * glibc's spelling of a locale name: the codeset lowercased with everything
 * but letters and digits dropped (`en_US.UTF-8` → `en_US.utf8`), as
 * `locale -a` lists it and as setlocale() looks it up.
 */
export function normalizeLocale(name: string): string {
  const m = /^([^.@]*)(?:\.([^@]*))?(@.*)?$/.exec(name);
  if (!m) return name;
  const [, base = '', codeset, modifier = ''] = m;
  if (codeset === undefined) return `${base}${modifier}`;
  const norm = codeset.toLowerCase().replace(/[^a-z0-9]/g, '');
  return `${base}.${/^\d+$/.test(norm) ? `iso${norm}` : norm}${modifier}`;
}

let installed: Promise<Set<string>> | null = null;
const charsets = new Map<string, Promise<string>>();

/** `locale -a`, normalised; read once (locales are installed with the system, not while the engine runs). */
function installedLocales(): Promise<Set<string>> {
  installed ??= run('/usr/bin/locale', ['-a']).then(
    (out) => new Set(out.split('\n').filter(Boolean).map(normalizeLocale)),
    (err: Error) => {
      installed = null;
      throw err;
    },
  );
  return installed;
}

/** The character set a locale uses (`LC_ALL=name locale charmap`); only asked for installed names, so the cache stays small. */
function charsetOf(name: string): Promise<string> {
  let charset = charsets.get(name);
  if (!charset) {
    charset = run('/usr/bin/locale', ['charmap'], { env: { LC_ALL: name } }).then((out) => out.trim().split('\n').pop() ?? '');
    charsets.set(name, charset);
  }
  return charset;
}

/** Why PostgreSQL would refuse `name` for a UTF8 database, or null when it takes it. */
export async function utf8LocaleProblem(name: string): Promise<string | null> {
  // C and POSIX go with every encoding
  if (name === 'C' || name === 'POSIX') return null;
  if (!(await installedLocales()).has(normalizeLocale(name))) return `locale "${name}" is not installed on this machine (locale -a lists those that are)`;
  const charset = await charsetOf(name);
  return charset === 'UTF-8' ? null : `locale "${name}" uses ${charset}, and databases are created in UTF-8`;
}
