// EXO2-HMAC-SHA256 request signing (see shared/reference/signature.md).
// The one module that signs (console, tests, bench) and verifies (engine).
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SCHEME = 'EXO2-HMAC-SHA256';
/** Public clients sign for now + 600 s. */
export const DEFAULT_TTL_SECONDS = 600;

export interface SignInput {
  method: string;
  /** Path exactly as sent, including /v2, without the query string. */
  path: string;
  body?: string;
  /** Single-valued query parameters. */
  query?: Record<string, string>;
  expires: number;
}

export interface ParsedAuthorization {
  credential: string;
  signedQueryArgs: string[];
  expires: number;
  signature: string;
}

export function signatureMessage(input: SignInput, queryNames?: string[]): string {
  const query = input.query ?? {};
  const names = queryNames ?? Object.keys(query).sort();
  return [
    `${input.method.toUpperCase()} ${input.path}`,
    input.body ?? '',
    names.map((n) => query[n] ?? '').join(''),
    '',
    String(input.expires),
  ].join('\n');
}

export function computeSignature(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message, 'utf8').digest('base64');
}

/** The Authorization header value for a request. */
export function signRequest(key: string, secret: string, input: SignInput): string {
  const names = Object.keys(input.query ?? {}).sort();
  const signature = computeSignature(secret, signatureMessage(input, names));
  const args = names.length ? `,signed-query-args=${names.join(';')}` : '';
  return `${SCHEME} credential=${key}${args},expires=${input.expires},signature=${signature}`;
}

/** Parses an Authorization header; null when it is not a well-formed EXO2 header. */
export function parseAuthorization(header: string | undefined): ParsedAuthorization | null {
  if (!header || !header.startsWith(`${SCHEME} `)) return null;
  const fields = new Map<string, string>();
  for (const part of header.slice(SCHEME.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return null;
    const name = part.slice(0, eq).trim();
    if (fields.has(name)) return null;
    fields.set(name, part.slice(eq + 1).trim());
  }
  const credential = fields.get('credential');
  const expiresText = fields.get('expires');
  const signature = fields.get('signature');
  if (!credential || !expiresText || !signature || !/^\d{1,12}$/.test(expiresText)) return null;
  const signed = fields.get('signed-query-args');
  return {
    credential,
    signedQueryArgs: signed ? signed.split(';').filter(Boolean) : [],
    expires: Number(expiresText),
    signature,
  };
}

/** Compares a presented signature with the expected one in constant time. */
export function signatureMatches(secret: string, message: string, presented: string): boolean {
  const expected = Buffer.from(computeSignature(secret, message));
  const given = Buffer.from(presented);
  // timingSafeEqual needs equal lengths; compare against itself to keep the timing flat.
  if (given.length !== expected.length) {
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(expected, given);
}
