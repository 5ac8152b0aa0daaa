// An allow-list typed as text, one CIDR per line: the entries with their line
// numbers, and a check whose message names the line. Shared by the forms.
import { z } from 'zod';
import { ipFilterSchema } from './common';

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

// Each entry is checked by the shared ipFilterSchema (parseCidr); the message names the entry's line.
export const cidrListTextSchema = z.string().superRefine((text, ctx) => {
  const entries = cidrEntries(text);
  const r = ipFilterSchema.safeParse(entries.map((e) => e.text));
  if (r.success) return;
  const messages = r.error.issues.map((issue) => {
    const at = typeof issue.path[0] === 'number' ? entries[issue.path[0]] : undefined;
    return at ? `line ${at.line}: ${issue.message}` : issue.message;
  });
  const more = messages.length > 1 ? ` (and ${messages.length - 1} more)` : '';
  ctx.addIssue({ code: 'custom', message: `${messages[0]}${more}` });
});
