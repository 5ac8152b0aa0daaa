'use client';
// The fields a pool's create and edit forms share: database and user from the
// service's own lists, mode and size.
import type { FieldErrors, UseFormRegister } from 'react-hook-form';
import { describedBy, Field, Input, Select, useFieldId } from '@/components/ui/field';
import { DEFAULT_POOL_SIZE, poolModes, type CreatePool, type PoolMode } from '@/lib/schemas/pool';

/** An empty select or input means "not given". */
const emptyAsUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);
const sizeValue = (v: unknown) => (v === '' || v === undefined ? undefined : Number(v));

const modeHints: Record<PoolMode, string> = {
  transaction: 'a server connection is lent for each transaction, so many clients share few; session state (SET, advisory locks) does not carry over',
  session: 'a client keeps its server connection until it disconnects: everything works, clients beyond the size wait',
  statement: 'a server connection is lent for each statement; multi-statement transactions are refused',
};

export const ANY_USER = 'any user (own password)';

interface Props {
  databases: string[];
  users: string[];
  register: UseFormRegister<CreatePool>;
  errors: FieldErrors<CreatePool>;
  mode?: PoolMode;
  /** The API can change a pool's user but not take it away. */
  userRequired?: boolean;
}

export function PoolFields({ databases, users, register, errors: e, mode, userRequired = false }: Props) {
  const errors = { 'database-name': e['database-name']?.message, username: e.username?.message, mode: e.mode?.message, size: e.size?.message };
  const ids = { database: useFieldId('database'), user: useFieldId('user'), mode: useFieldId('mode'), size: useFieldId('size') };
  return (
    <>
      <Field id={ids.database} label="Database" error={errors['database-name']} description="The database clients of this pool connect to.">
        <Select {...describedBy(ids.database, errors['database-name'])} {...register('database-name')}>
          {databases.map((db) => (
            <option key={db} value={db}>
              {db}
            </option>
          ))}
        </Select>
      </Field>
      <Field
        id={ids.user}
        label="User"
        error={errors.username}
        description={
          userRequired
            ? 'Only this user may connect, and connections run as it. A pool’s user can be changed but not removed: to serve any user, create another pool.'
            : 'With a user, only that user may connect, and connections run as it. Without, each of the service’s users logs in with their own password.'
        }
      >
        <Select {...describedBy(ids.user, errors.username)} {...register('username', { setValueAs: emptyAsUndefined })}>
          {userRequired ? null : <option value="">{ANY_USER}</option>}
          {users.map((u) => (
            <option key={u} value={u}>
              {u}
            </option>
          ))}
        </Select>
      </Field>
      <Field id={ids.mode} label="Pool mode" error={errors.mode} description={mode ? `${mode}: ${modeHints[mode]}.` : undefined}>
        <Select {...describedBy(ids.mode, errors.mode)} {...register('mode')}>
          {poolModes.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </Select>
      </Field>
      <Field id={ids.size} label="Pool size" error={errors.size} description={`Server connections the pool opens at most: 1 to 10000 (default ${DEFAULT_POOL_SIZE}).`}>
        <Input {...describedBy(ids.size, errors.size)} type="number" inputMode="numeric" min={1} max={10000} step={1} {...register('size', { setValueAs: sizeValue })} />
      </Field>
    </>
  );
}
