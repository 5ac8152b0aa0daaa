'use client';
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { AccessChoices, AccessOutcome, chosenChanges, useAccessOffered, useApplyAccess, type AccessChoice } from '@/components/access/access-choices';
import { Button } from '@/components/ui/button';
import { DialogActions } from '@/components/ui/dialog-actions';
import { FormError } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { describedBy, Field, Input, useFieldId } from '@/components/ui/field';
import { fieldError } from '@/lib/queries/api';
import { useCreateDatabase } from '@/lib/queries/database-mutations';
import { serviceQuery } from '@/lib/queries/services';
import type { AccessChange } from '@/lib/schemas/access';
import { createDatabaseSchema, type CreateDatabase } from '@/lib/schemas/database';

const fields = ['database-name', 'lc-collate', 'lc-ctype'] as const;

/** An empty optional input means "not given", not an empty locale. */
const optional = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

export function CreateDatabaseDialog({ name, open, onClose }: { name: string; open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title="Create database">
      <CreateDatabaseForm name={name} onClose={onClose} />
    </Dialog>
  );
}

function CreateDatabaseForm({ name, onClose }: { name: string; onClose: () => void }) {
  const create = useCreateDatabase(name);
  const { data: service } = useQuery(serviceQuery(name));
  const offered = useAccessOffered();
  const applyAccess = useApplyAccess(name);
  const [access, setAccess] = useState<AccessChoice>({});
  // access that could not be given after the database was made: said before the dialog closes
  const [afterCreate, setAfterCreate] = useState<{ changes: AccessChange[]; failed: string[] } | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const { register, handleSubmit, setError, formState } = useForm<CreateDatabase>({
    resolver: zodResolver(createDatabaseSchema),
    defaultValues: { 'database-name': '' },
  });
  const errors = formState.errors;
  const ids = { name: useFieldId('database-name'), collate: useFieldId('lc-collate'), ctype: useFieldId('lc-ctype') };

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      await create.mutateAsync(values);
      const changes = chosenChanges(access, (username, level) => ({ database: values['database-name'], username, level }));
      const failed = await applyAccess(changes);
      if (failed.length) setAfterCreate({ changes, failed });
      else onClose();
    } catch (err) {
      // the engine names the field at fault: duplicates, unknown locales
      const f = fieldError(err, fields);
      if (f) setError(f.field, { message: f.message }, { shouldFocus: true });
      else setFormError((err as Error).message);
    }
  });

  const localeHint = 'Optional, e.g. en_US.UTF-8. Empty: the service’s default.';
  if (afterCreate) {
    return (
      <div className="space-y-4">
        <AccessOutcome granted={afterCreate.changes} failed={afterCreate.failed} />
        <div className="flex justify-end">
          <Button onClick={onClose}>Done</Button>
        </div>
      </div>
    );
  }
  // the admin keeps its own access to every database
  const users = (service?.users ?? []).filter((u) => u.type !== 'primary').map((u) => u.username);
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <Field id={ids.name} label="Name" error={errors['database-name']?.message} description="Letters, digits, “_” and “-”, up to 40 characters.">
        <Input {...describedBy(ids.name, errors['database-name']?.message)} autoComplete="off" spellCheck={false} {...register('database-name')} />
      </Field>
      <Field id={ids.collate} label="Collation (LC_COLLATE)" error={errors['lc-collate']?.message} description={localeHint}>
        <Input
          {...describedBy(ids.collate, errors['lc-collate']?.message)}
          autoComplete="off"
          spellCheck={false}
          placeholder="en_US.UTF-8"
          {...register('lc-collate', { setValueAs: optional })}
        />
      </Field>
      <Field id={ids.ctype} label="Character classification (LC_CTYPE)" error={errors['lc-ctype']?.message} description={localeHint}>
        <Input
          {...describedBy(ids.ctype, errors['lc-ctype']?.message)}
          autoComplete="off"
          spellCheck={false}
          placeholder="en_US.UTF-8"
          {...register('lc-ctype', { setValueAs: optional })}
        />
      </Field>
      {offered ? (
        <AccessChoices
          legend="Give access to"
          description="Given right after the database is created; change it later in the Access tab."
          names={users}
          value={access}
          onChange={setAccess}
        />
      ) : null}
      <FormError message={formError} />
      <DialogActions onCancel={onClose} submitting={formState.isSubmitting} label="Create database" busyLabel="Creating…" />
    </form>
  );
}
