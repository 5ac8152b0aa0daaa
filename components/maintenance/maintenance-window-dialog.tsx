'use client';
// "Change window…" on the maintenance card: day and time (UTC), checked by the
// shared maintenanceSchema, sent whole as the API takes it; Save only when
// something changed, and a 400 naming a field is shown beside that field.
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { QueryProvider } from '@/components/providers';
import { FormError } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { DialogActions } from '@/components/ui/dialog-actions';
import { fieldError } from '@/lib/queries/api';
import { useUpdateService } from '@/lib/queries/service-mutations';
import { maintenanceSchema, type Maintenance } from '@/lib/schemas/common';
import type { ServicePg } from '@/lib/schemas/service';
import { MaintenanceWindowFields, windowOf } from './maintenance-window-fields';

interface Props {
  name: string;
  maintenance: ServicePg['maintenance'];
  onClose: () => void;
}

export default function MaintenanceWindowDialog({ open, ...props }: Props & { open: boolean }) {
  return (
    <Dialog open={open} onClose={props.onClose} title={`Maintenance window of ${props.name}`}>
      <QueryProvider>
        <WindowForm {...props} />
      </QueryProvider>
    </Dialog>
  );
}

function WindowForm({ name, maintenance, onClose }: Props) {
  const update = useUpdateService(name);
  const [formError, setFormError] = useState<string | null>(null);
  const { register, handleSubmit, setError, formState } = useForm<Maintenance>({ resolver: zodResolver(maintenanceSchema), defaultValues: windowOf({ maintenance }), mode: 'onChange' });
  const { errors, isDirty, isSubmitting } = formState;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      await update.mutateAsync({ maintenance: values });
      onClose();
    } catch (err) {
      const e = fieldError(err, ['maintenance.dow', 'maintenance.time'] as const);
      if (e) setError(e.field === 'maintenance.dow' ? 'dow' : 'time', { message: e.message }, { shouldFocus: true });
      else setFormError((err as Error).message);
    }
  });

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <MaintenanceWindowFields register={{ dow: register('dow'), time: register('time') }} errors={{ dow: errors.dow?.message, time: errors.time?.message }} />
      <p className="text-sm text-zinc-600 dark:text-zinc-300">Updates are applied in this window each week, or when someone applies them now.</p>
      <FormError message={formError} />
      <DialogActions onCancel={onClose} submitting={isSubmitting} disabled={!isDirty} label="Save window" busyLabel="Saving…" />
    </form>
  );
}
