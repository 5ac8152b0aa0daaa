'use client';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { DialogActions } from '@/components/ui/dialog-actions';
import { FormError } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { describedBy, Field, Input, useFieldId } from '@/components/ui/field';
import { fieldError } from '@/lib/queries/api';
import { useResetPassword } from '@/lib/queries/user-mutations';
import { passwordSchema } from '@/lib/schemas/common';
import { PasswordDone } from './password-done';

// The password is checked only when the user chose to type one.
const resetFormSchema = z
  .object({ mode: z.enum(['generate', 'custom']), password: z.string() })
  .superRefine((v, ctx) => {
    if (v.mode !== 'custom') return;
    const r = passwordSchema.safeParse(v.password);
    if (!r.success) ctx.addIssue({ code: 'custom', path: ['password'], message: r.error.issues[0]?.message ?? 'invalid password' });
  });
type ResetForm = z.infer<typeof resetFormSchema>;

export function ResetPasswordDialog({ name, username, open, onClose }: { name: string; username: string; open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title={`Reset password of ${username}`}>
      <ResetPasswordForm name={name} username={username} onClose={onClose} />
    </Dialog>
  );
}

function ResetPasswordForm({ name, username, onClose }: { name: string; username: string; onClose: () => void }) {
  const reset = useResetPassword(name, username);
  const [done, setDone] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const { register, handleSubmit, watch, setError, formState } = useForm<ResetForm>({
    resolver: zodResolver(resetFormSchema),
    defaultValues: { mode: 'generate', password: '' },
  });
  const mode = watch('mode');
  const error = formState.errors.password?.message;
  const ids = { generate: useFieldId('generate'), custom: useFieldId('custom'), password: useFieldId('password') };

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      await reset.mutateAsync(values.mode === 'custom' ? values.password : undefined);
      setDone(true);
    } catch (err) {
      const f = fieldError(err, ['password'] as const);
      if (f) setError(f.field, { message: f.message }, { shouldFocus: true });
      else setFormError((err as Error).message);
    }
  });

  if (done) {
    return (
      <PasswordDone name={name} username={username} onClose={onClose}>
        The password of <span className="font-mono font-medium">{username}</span> was reset.
      </PasswordDone>
    );
  }
  const radio = 'h-4 w-4 accent-blue-600';
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <p className="text-sm text-zinc-600 dark:text-zinc-300">
        Clients connecting as <span className="font-mono font-medium">{username}</span> with the old password will be refused.
      </p>
      <fieldset className="space-y-2">
        <legend className="mb-1 text-sm font-medium">New password</legend>
        <label htmlFor={ids.generate} className="flex items-center gap-2 text-sm">
          <input id={ids.generate} type="radio" value="generate" className={radio} {...register('mode')} />
          Generate a strong one (24 random characters)
        </label>
        <label htmlFor={ids.custom} className="flex items-center gap-2 text-sm">
          <input id={ids.custom} type="radio" value="custom" className={radio} {...register('mode')} />
          Type a new one
        </label>
      </fieldset>
      {mode === 'custom' ? (
        <Field id={ids.password} label="Password" error={error} description="8 to 256 characters: letters, digits, “-” and “_”.">
          <Input
            {...describedBy(ids.password, error)}
            type="password"
            autoComplete="new-password"
            spellCheck={false}
            className="font-mono"
            autoFocus
            {...register('password')}
          />
        </Field>
      ) : null}
      <FormError message={formError} />
      <DialogActions onCancel={onClose} submitting={formState.isSubmitting} label="Reset password" busyLabel="Resetting…" danger />
    </form>
  );
}
