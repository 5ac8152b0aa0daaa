// An allow-list typed as text, one CIDR per line (entries: cidrEntries in
// cidr.ts), checked with a message that names the line. Shared by the forms.
import { z } from 'zod';
import { cidrEntries } from './cidr';
import { ipFilterSchema } from './common';

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
