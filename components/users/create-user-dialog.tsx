'use client';
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { AccessChoices, AccessOutcome, chosenChanges, useAccessOffered, useApplyAccess, type AccessChoice } from '@/components/access/access-choices';
import { DialogActions } from '@/components/ui/dialog-actions';
import { FormError } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { describedBy, Field, Input, useFieldId } from '@/components/ui/field';
import { Switch } from '@/components/ui/switch';
import { fieldError } from '@/lib/queries/api';
import { serviceQuery } from '@/lib/queries/services';
import { useCreateUser } from '@/lib/queries/user-mutations';
import type { AccessChange } from '@/lib/schemas/access';
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
  const { data: service } = useQuery(serviceQuery(name));
  const offered = useAccessOffered();
  const applyAccess = useApplyAccess(name);
  const [access, setAccess] = useState<AccessChoice>({});
  const [granted, setGranted] = useState<{ changes: AccessChange[]; failed: string[] }>({ changes: [], failed: [] });
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
      // the user exists now: the access chosen for it, as the Access tab would give it
      const changes = chosenChanges(access, (database, level) => ({ database, username: values.username, level }));
      setGranted({ changes, failed: await applyAccess(changes) });
      setCreated(values.username);
    } catch (err) {
      const f = fieldError(err, ['username'] as const);
      if (f) setError(f.field, { message: f.message }, { shouldFocus: true });
      else setFormError((err as Error).message);
    }
  });

  if (created) {
    return (
      <PasswordDone name={name} username={created} onClose={onClose} note={<AccessOutcome granted={granted.changes} failed={granted.failed} />}>
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
      {offered ? (
        <AccessChoices
          legend="Access to databases"
          description="Given right after the user is created; change it later in the Access tab."
          names={service?.databases ?? []}
          value={access}
          onChange={setAccess}
        />
      ) : null}
      <FormError message={formError} />
      <DialogActions onCancel={onClose} submitting={formState.isSubmitting} label="Create user" busyLabel="Creating…" />
    </form>
  );
}
