'use client';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { DialogActions } from '@/components/ui/dialog-actions';
import { FormError } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { describedBy, Field, Input, useFieldId } from '@/components/ui/field';
import { fieldError } from '@/lib/queries/api';
import { useCreateDatabase } from '@/lib/queries/database-mutations';
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
      onClose();
    } catch (err) {
      // the engine names the field at fault: duplicates, unknown locales
      const f = fieldError(err, fields);
      if (f) setError(f.field, { message: f.message }, { shouldFocus: true });
      else setFormError((err as Error).message);
    }
  });

  const localeHint = 'Optional, e.g. en_US.UTF-8. Empty: the service’s default.';
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
      <FormError message={formError} />
      <DialogActions onCancel={onClose} submitting={formState.isSubmitting} label="Create database" busyLabel="Creating…" />
    </form>
  );
}
