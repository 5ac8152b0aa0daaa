import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

// A NUL can never round-trip through libpq or a config file: PostgreSQL
// rejects it in literals and C-string parsers would silently truncate at it.
function refuseNul(value: string, what: string): void {
  if (value.includes('\0')) throw new Error(`${what} must not contain a NUL byte`);
}

export function quoteIdent(name: string): string {
  refuseNul(name, 'identifier');
  // PostgreSQL rejects "" as a zero-length identifier; fail here with a clearer message.
  if (name === '') throw new Error('identifier must not be empty');
  return `"${name.replaceAll('"', '""')}"`;
}

export function quoteLiteral(value: string): string {
  refuseNul(value, 'literal');
  const body = value.replaceAll("'", "''");
  // With standard_conforming_strings on, '\' is literal; the E'' form makes the
  // meaning independent of that setting, so backslashes survive either way.
  if (value.includes('\\')) return `E'${body.replaceAll('\\', '\\\\')}'`;
  return `'${body}'`;
}

/**
 * One value inside a libpq connection string (primary_conninfo, a subscription's CONNECTION): single-quoted, with
 * backslash and quote escaped as libpq reads them. In postgresql.conf the whole string then goes through confValue.
 */
export function conninfoValue(value: string): string {
  refuseNul(value, 'connection string value');
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** A libpq connection string from its pairs, each value quoted. */
export const conninfo = (pairs: [string, string][]): string => pairs.map(([k, v]) => `${k}=${conninfoValue(v)}`).join(' ');

/**
 * One line of a libpq password file (~/.pgpass): host, port, database, user and password, each with `\` and `:`
 * escaped as libpq reads them; a `*` in the first four matches anything. A newline would start another entry: refused.
 */
export function passfileLine(host: string, port: string | number, database: string, user: string, password: string): string {
  const field = (v: string, what: string): string => {
    refuseNul(v, `passfile ${what}`);
    if (/[\r\n]/.test(v)) throw new Error(`a passfile ${what} cannot hold a line break`);
    return v.replaceAll('\\', '\\\\').replaceAll(':', '\\:');
  };
  return `${field(host, 'host')}:${field(String(port), 'port')}:${field(database, 'database')}:${field(user, 'user')}:${field(password, 'password')}\n`;
}

export function confValue(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'number') {
    // NaN/Infinity would be written as words the config parsers do not accept.
    if (!Number.isFinite(value)) throw new Error(`config value must be a finite number, got ${value}`);
    return String(value);
  }
  refuseNul(value, 'config value');
  // Config files are line based: a newline would let the value start another setting.
  if (/[\r\n]/.test(value)) throw new Error('config value must not contain CR or LF');
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

// RFC 3454 C.1.2 non-ASCII spaces (mapped to a space) and B.1 "commonly mapped
// to nothing", which SASLprep applies before NFKC, in the order PostgreSQL's
// pg_saslprep() checks them (U+200B is in both; the space mapping wins).
type Ranges = readonly (readonly [number, number])[];
const NON_ASCII_SPACE: Ranges = [[0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200b], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000]];
const MAPPED_TO_NOTHING: Ranges = [[0xad, 0xad], [0x34f, 0x34f], [0x1806, 0x1806], [0x180b, 0x180d], [0x200b, 0x200d], [0x2060, 0x2060], [0xfe00, 0xfe0f], [0xfeff, 0xfeff]];
const inRanges = (cp: number, ranges: Ranges): boolean => ranges.some(([lo, hi]) => cp >= lo && cp <= hi);

// An approximation of SASLprep: it skips the prohibited-character and bidi
// checks, where PostgreSQL falls back to the raw password. ASCII passwords are
// unaffected either way, as PostgreSQL returns them untouched.
function saslPrep(password: string): string {
  if (/^\p{ASCII}*$/u.test(password)) return password;
  let mapped = '';
  for (const ch of password) {
    const cp = ch.codePointAt(0) ?? 0;
    if (inRanges(cp, NON_ASCII_SPACE)) mapped += ' ';
    else if (!inRanges(cp, MAPPED_TO_NOTHING)) mapped += ch;
  }
  // PostgreSQL treats an empty result as prohibited and uses the raw password.
  return mapped === '' ? password : mapped.normalize('NFKC');
}

// Handing PostgreSQL a ready verifier keeps the plain password out of SQL
// text, pg_stat_statements and server logs.
export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = 4096): string {
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error('iterations must be a positive integer');
  if (salt.length === 0) throw new Error('salt must not be empty');
  const salted = pbkdf2Sync(Buffer.from(saslPrep(password), 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  const b64 = (b: Buffer): string => b.toString('base64');
  return `SCRAM-SHA-256$${iterations}:${b64(salt)}$${b64(storedKey)}:${b64(serverKey)}`;
}

/**
 * The verifier of a secret only the engine holds (its superuser's, its PgBouncer
 * admin's): the salt comes from the secret, so writing it again changes no file.
 */
export function engineVerifier(secret: string): string {
  return scramVerifier(secret, createHash('sha256').update(`pgdeck engine salt\0${secret}`).digest().subarray(0, 16));
}

/** Whether a SCRAM-SHA-256 verifier (as pg_authid stores it) was made from this password. */
export function verifierMatches(password: string, verifier: string): boolean {
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier);
  if (!m) return false;
  const made = scramVerifier(password, Buffer.from(m[2] ?? '', 'base64'), Number(m[1]));
  const a = Buffer.from(made);
  const b = Buffer.from(verifier);
  return a.length === b.length && timingSafeEqual(a, b);
}
