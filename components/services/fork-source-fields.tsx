'use client';
// The create form's "Start from": an empty service, or a backup of one of the
// key's services (a fork), restored to its latest state, one of its backups
// or a second of its recoverable window.
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { useWatch, type UseFormReturn } from 'react-hook-form';
import { describedBy, Field, Select } from '@/components/ui/field';
import { serviceListQuery } from '@/lib/queries/services';
import type { ServicePg } from '@/lib/schemas/service';
import type { ServiceForm } from '@/lib/schemas/service-form';

const muted = 'text-sm text-zinc-500 dark:text-zinc-400';

// loaded once a source with backups is chosen: it brings the recovery point's checks (zod)
const RecoveryPointFields = lazy(() => import('@/components/backups/recovery-point-fields').then((m) => ({ default: m.RecoveryPointFields })));

export function ForkSourceFields({ form, source }: { form: UseFormReturn<ServiceForm>; source: ServicePg | undefined }) {
  const { data: services, error } = useQuery(serviceListQuery());
  const { register, setValue, clearErrors, control, formState } = form;
  const errors = formState.errors;
  const [forkFrom, point] = useWatch({ control, name: ['forkFrom', 'recoveryPoint'] });
  // each source starts from its latest state; a fork keeps its source's users, so none is typed
  const chosen = () => {
    for (const field of ['adminUsername', 'adminPassword', 'recoveryBackup', 'recoveryTime'] as const) setValue(field, '');
    setValue('recoveryPoint', 'latest');
  };
  const forkError = errors.forkFrom?.message ?? (error ? `Your services could not be listed: ${error.message}` : undefined);
  return (
    <>
      <Field id="fork-from" label="Start from" error={forkError} description="A new service, or a copy of one of yours restored from its backups.">
        <Select {...describedBy('fork-from', forkError)} {...register('forkFrom', { onChange: chosen })}>
          <option value="">An empty service</option>
          {(services ?? []).map((s) => (
            <option key={s.name} value={s.name}>
              A backup of {s.name}
            </option>
          ))}
        </Select>
      </Field>
      {forkFrom && !source ? (
        <p aria-busy="true" className={muted}>
          Loading the backups of {forkFrom}…
        </p>
      ) : null}
      {forkFrom && source && (source.backups ?? []).length === 0 ? (
        <p className={muted}>{forkFrom} has no backup yet: its first is taken right after it is created.</p>
      ) : null}
      {forkFrom && source && (source.backups ?? []).length > 0 ? (
        <Suspense fallback={<p className={muted}>Loading…</p>}>
          <RecoveryPointFields
            source={source}
            point={point}
            register={{ point: register('recoveryPoint', { onChange: () => clearErrors(['recoveryBackup', 'recoveryTime']) }), backup: register('recoveryBackup'), time: register('recoveryTime') }}
            errors={{ backup: errors.recoveryBackup?.message, time: errors.recoveryTime?.message }}
          />
        </Suspense>
      ) : null}
    </>
  );
}
