// An optional text input of a form: blank, or valid for a schema.
import { z } from 'zod';

/** Blank, or valid for `schema` (its first message, not zod's "Invalid input" of a union). */
export const blankOr = (schema: z.ZodType<unknown, string>) =>
  z.string().superRefine((value, ctx) => {
    if (value === '') return;
    const r = schema.safeParse(value);
    if (!r.success) ctx.addIssue({ code: 'custom', message: r.error.issues[0]?.message ?? 'invalid value' });
  });
