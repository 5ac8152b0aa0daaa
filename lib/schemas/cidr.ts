// CIDR parsing without node:net so the same check runs in the browser (forms)
// and on the server (engine). Returns the canonical form or an error reason.
// No zod here: the create form shows what a typed allow-list holds before it
// loads the schemas.

function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = parts.map((p) => (/^(0|[1-9]\d{0,2})$/.test(p) ? Number(p) : NaN));
  return bytes.every((b) => b >= 0 && b <= 255) ? bytes : null;
}

function parseIpv6(text: string): number[] | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] ?? '';
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIpv4(p);
        if (!v4) return null;
        out.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) {
        out.push(parseInt(p, 16));
      } else return null;
    }
    return out;
  };
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (!head || !tail) return null;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return null;
  const words = [...head, ...Array<number>(fill).fill(0), ...tail];
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

export type CidrResult = { ok: true; cidr: string } | { ok: false; reason: string };

/** Accepts `a.b.c.d/n`, an IPv6 prefix, or a single address (taken as /32 or /128). */
export function parseCidr(input: string): CidrResult {
  const [addr = '', prefixText, extra] = input.trim().split('/');
  if (extra !== undefined) return { ok: false, reason: 'not a CIDR block' };
  const v4 = parseIpv4(addr);
  const bytes = v4 ?? parseIpv6(addr);
  if (!bytes) return { ok: false, reason: 'not an IPv4 or IPv6 address' };
  const max = v4 ? 32 : 128;
  if (prefixText !== undefined && !/^(0|[1-9]\d{0,2})$/.test(prefixText)) {
    return { ok: false, reason: 'prefix length must be a number' };
  }
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return { ok: false, reason: `prefix length must be at most ${max}` };
  for (let bit = prefix; bit < max; bit++) {
    if (((bytes[bit >> 3] ?? 0) >> (7 - (bit & 7))) & 1) {
      return { ok: false, reason: 'address has bits set beyond the prefix length' };
    }
  }
  const text = v4 ? v4.join('.') : formatIpv6(bytes);
  return { ok: true, cidr: `${text}/${prefix}` };
}

/** RFC 5952 text: lowercase, no leading zeros, the longest run of two or more zero groups as "::". */
function formatIpv6(bytes: number[]): string {
  const words = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0));
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best.len < 2) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

export interface CidrEntry {
  line: number;
  text: string;
}

/** The non-blank lines of the allow-list textarea, each with its 1-based line number. */
export const cidrEntries = (text: string): CidrEntry[] =>
  text
    .split('\n')
    .map((raw, i) => ({ line: i + 1, text: raw.trim() }))
    .filter((e) => e.text !== '');
