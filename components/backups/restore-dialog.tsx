'use client';
// "Restore to a new service": a fork of this service under a new name and a
// plan, restored to the point chosen. The operation is tracked like any other;
// the dialog stays until the new service runs, then opens its page.
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { useForm } from 'react-hook-form';
import { planGives } from '@/components/nodes/plan-features';
import { formatBytes } from '@/components/services/format';
import { FormError } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { DialogActions } from '@/components/ui/dialog-actions';
import { describedBy, Field, Input, Select, useFieldId } from '@/components/ui/field';
import { ConsoleError, isOperation } from '@/lib/queries/api';
import { useTrackedOperations } from '@/lib/queries/operations';
import { useCreateService } from '@/lib/queries/service-mutations';
import { serviceTypeQuery } from '@/lib/queries/service-type';
import { offeredPoints } from '@/lib/schemas/recovery-point';
import { restoreFieldFor, restoreFormSchema, toForkBody, type RestoreForm } from '@/lib/schemas/restore-form';
import type { ServicePg } from '@/lib/schemas/service';
import { RecoveryPointFields } from './recovery-point-fields';

interface Props {
  source: ServicePg;
  onClose: () => void;
}

export function RestoreDialog({ open, ...props }: Props & { open: boolean }) {
  return (
    <Dialog open={open} onClose={props.onClose} title={`Restore ${props.source.name} to a new service`}>
      <RestoreServiceForm {...props} />
    </Dialog>
  );
}

function RestoreServiceForm({ source, onClose }: Props) {
  const router = useRouter();
  const create = useCreateService();
  const { data: type } = useQuery(serviceTypeQuery());
  const window = source['pgdeck-recovery-window'];
  // the window moves while the dialog is open: a typed time is checked against it as it is now
  const schema = useMemo(() => restoreFormSchema(window), [window]);
  const [formError, setFormError] = useState<string | null>(null);
  const [started, setStarted] = useState<{ id: string; name: string } | null>(null);
  const newest = source.backups?.[0];
  const { register, handleSubmit, setError, clearErrors, watch, formState } = useForm<RestoreForm>({
    resolver: zodResolver(schema),
    mode: 'onChange',
    defaultValues: {
      name: '',
      plan: source.plan,
      recoveryPoint: offeredPoints(source).includes('backup') ? 'backup' : 'latest',
      recoveryBackup: newest?.['backup-time'] ?? '',
      recoveryTime: '',
    },
  });
  const errors = formState.errors;
  const ids = { name: useFieldId('fork-name'), plan: useFieldId('fork-plan') };
  const plans = (type?.plans ?? []).filter((p) => p.authorized !== false || p.name === source.plan);

  // the live region is outside the modal dialog, inert while it is open: the outcome shows here too
  const tracked = useTrackedOperations().find((o) => o.id === started?.id);
  useEffect(() => {
    if (!started || !tracked || tracked.state === 'pending') return;
    if (tracked.state === 'success') return router.push(`/services/${started.name}`);
    setFormError(`The restore to ${started.name} failed: ${tracked.message ?? 'no reason given'}`);
    setStarted(null);
  }, [tracked, started, router]);

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      const res = await create.mutateAsync({ name: values.name, body: toForkBody(source.name, values) });
      if (isOperation(res)) setStarted({ id: res.id, name: values.name });
      else router.push(`/services/${values.name}`);
    } catch (err) {
      const e = err instanceof ConsoleError ? err : undefined;
      // the API names no field when the name is taken
      const field = e?.code === 'conflict' && !e.field ? 'name' : restoreFieldFor(e?.field, values);
      const message = (err as Error).message;
      if (field) setError(field, { message: e?.field ? message.replace(`${e.field}: `, '') : message }, { shouldFocus: true });
      else setFormError(message);
    }
  });

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <RecoveryPointFields
        source={source}
        point={watch('recoveryPoint')}
        register={{ point: register('recoveryPoint', { onChange: () => clearErrors(['recoveryBackup', 'recoveryTime']) }), backup: register('recoveryBackup'), time: register('recoveryTime') }}
        errors={{ backup: errors.recoveryBackup?.message, time: errors.recoveryTime?.message }}
      />
      <Field id={ids.name} label="New service name" error={errors.name?.message} description="Lowercase letters, digits and hyphens, starting with a letter.">
        <Input {...describedBy(ids.name, errors.name?.message)} autoComplete="off" spellCheck={false} autoCapitalize="off" placeholder={`${source.name}-restored`} {...register('name')} />
      </Field>
      <Field id={ids.plan} label="Plan" error={errors.plan?.message} description="The data must fit its disk. The PostgreSQL version is the source's.">
        {/* remounted when the plans arrive, so it shows the form's value among them */}
        <Select key={plans.length} {...describedBy(ids.plan, errors.plan?.message)} {...register('plan')}>
          {plans.length === 0 ? <option value={source.plan}>{source.plan}</option> : null}
          {plans.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name} · {planGives(p['node-count'])} · {formatBytes(p['node-memory'])} memory · {formatBytes(p['disk-space'])} disk
            </option>
          ))}
        </Select>
      </Field>
      {started ? (
        <p role="status" className="text-sm text-zinc-600 dark:text-zinc-300">
          Restoring into <span className="font-mono font-medium">{started.name}</span>; its page opens when it runs.
        </p>
      ) : null}
      <FormError message={formError} />
      <DialogActions onCancel={onClose} submitting={formState.isSubmitting || started !== null} label="Restore" busyLabel="Restoring…" />
    </form>
  );
}
