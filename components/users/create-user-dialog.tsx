'use client';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { DialogActions } from '@/components/ui/dialog-actions';
import { FormError } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { describedBy, Field, Input, useFieldId } from '@/components/ui/field';
import { Switch } from '@/components/ui/switch';
import { fieldError } from '@/lib/queries/api';
import { useCreateUser } from '@/lib/queries/user-mutations';
import { createUserSchema, type CreateUser } from '@/lib/schemas/user';
import { PasswordDone } from './password-done';

export function CreateUserDialog({ name, open, onClose }: { name: string; open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title="Create user">
      <CreateUserForm name={name} onClose={onClose} />
    </Dialog>
  );
}

function CreateUserForm({ name, onClose }: { name: string; onClose: () => void }) {
  const create = useCreateUser(name);
  const [created, setCreated] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const { register, control, handleSubmit, setError, formState } = useForm<CreateUser>({
    resolver: zodResolver(createUserSchema),
    defaultValues: { username: '', 'allow-replication': false },
  });
  const error = formState.errors.username?.message;
  const id = useFieldId('username');

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      await create.mutateAsync(values);
      setCreated(values.username);
    } catch (err) {
      const f = fieldError(err, ['username'] as const);
      if (f) setError(f.field, { message: f.message }, { shouldFocus: true });
      else setFormError((err as Error).message);
    }
  });

  if (created) {
    return (
      <PasswordDone name={name} username={created} onClose={onClose}>
        User <span className="font-mono font-medium">{created}</span> was created with a generated password.
      </PasswordDone>
    );
  }
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <Field id={id} label="Username" error={error} description="Letters, digits, “_”, “-” and “.”, up to 63 characters. A password is generated.">
        <Input {...describedBy(id, error)} autoComplete="off" spellCheck={false} {...register('username')} />
      </Field>
      <Controller
        control={control}
        name="allow-replication"
        render={({ field }) => (
          <Switch
            label="Allow replication"
            description="Lets this user stream changes, e.g. for a replica or a logical replication tool."
            name={field.name}
            checked={field.value ?? false}
            onChange={(e) => field.onChange(e.target.checked)}
            onBlur={field.onBlur}
          />
        )}
      />
      <FormError message={formError} />
      <DialogActions onCancel={onClose} submitting={formState.isSubmitting} label="Create user" busyLabel="Creating…" />
    </form>
  );
}
