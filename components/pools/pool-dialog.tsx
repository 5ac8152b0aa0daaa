'use client';
// One form creates a pool or edits one: the name is chosen once, at creation
// (an edit keeps it as an unshown value); an edit sends only what changed.
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { FormError } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { DialogActions } from '@/components/ui/dialog-actions';
import { describedBy, Field, Input, useFieldId } from '@/components/ui/field';
import { fieldError } from '@/lib/queries/api';
import { useCreatePool, useUpdatePool } from '@/lib/queries/pool-mutations';
import { createPoolSchema, DEFAULT_POOL_MODE, DEFAULT_POOL_SIZE, type ConnectionPool, type CreatePool, type UpdatePool } from '@/lib/schemas/pool';
import { PoolFields } from './pool-fields';

const editable = ['database-name', 'username', 'mode', 'size'] as const;
const fields = ['name', ...editable] as const;

interface Props {
  name: string;
  databases: string[];
  users: string[];
  onClose: () => void;
  /** The pool to edit; none: create one. */
  pool?: ConnectionPool;
}

export function PoolDialog({ open, ...props }: Props & { open: boolean }) {
  return (
    <Dialog open={open} onClose={props.onClose} title={props.pool ? `Edit pool ${props.pool.name}` : 'Create pool'}>
      <PoolForm key={props.pool?.name ?? ''} {...props} />
    </Dialog>
  );
}

/** What an edit changes: the fields whose value differs from the pool's. */
function changes(pool: ConnectionPool, { name: _name, ...values }: CreatePool): UpdatePool {
  const now: UpdatePool = { 'database-name': pool.database, mode: pool.mode, size: pool.size, username: pool.username };
  return Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== undefined && v !== now[k as keyof UpdatePool]));
}

// a database or user that went away still shows as what the pool uses
const withCurrent = (list: string[], current?: string) => (current && !list.includes(current) ? [current, ...list] : list);

function PoolForm({ name, databases, users, onClose, pool }: Props) {
  const create = useCreatePool(name);
  const update = useUpdatePool(name);
  const [formError, setFormError] = useState<string | null>(null);
  const { register, handleSubmit, setError, watch, formState } = useForm<CreatePool>({
    resolver: zodResolver(createPoolSchema),
    defaultValues: pool
      ? { name: pool.name, 'database-name': pool.database, mode: pool.mode, size: pool.size, username: pool.username }
      : { name: '', 'database-name': databases.includes('defaultdb') ? 'defaultdb' : (databases[0] ?? ''), mode: DEFAULT_POOL_MODE, size: DEFAULT_POOL_SIZE },
  });
  const errors = formState.errors;
  const id = useFieldId('pool-name');

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      if (!pool) await create.mutateAsync(values);
      else {
        const body = changes(pool, values);
        if (Object.keys(body).length > 0) await update.mutateAsync({ pool: pool.name, body });
      }
      onClose();
    } catch (err) {
      // the engine names the field at fault: a duplicate name, an unknown database or user
      const f = fieldError(err, pool ? editable : fields);
      if (f) setError(f.field, { message: f.message }, { shouldFocus: true });
      else setFormError((err as Error).message);
    }
  });

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {pool ? null : (
        <Field id={id} label="Name" error={errors.name?.message} description="Clients connect to the pool by this name, in place of a database name. Letters, digits, “_” and “-”.">
          <Input {...describedBy(id, errors.name?.message)} autoComplete="off" spellCheck={false} {...register('name')} />
        </Field>
      )}
      <PoolFields
        databases={withCurrent(databases, pool?.database)}
        users={withCurrent(users, pool?.username)}
        userRequired={pool?.username !== undefined}
        mode={watch('mode')}
        register={register}
        errors={errors}
      />
      <FormError message={formError} />
      <DialogActions
        onCancel={onClose}
        submitting={formState.isSubmitting}
        label={pool ? 'Save pool' : 'Create pool'}
        busyLabel={pool ? 'Saving…' : 'Creating…'}
      />
    </form>
  );
}
