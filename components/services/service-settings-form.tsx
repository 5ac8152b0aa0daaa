'use client';
// A service's settings: allow-list, maintenance window, backup time,
// termination protection and, where the plan has 3 nodes or more, synchronous
// replication. The form follows the server (reset when its values
// change), Save sends only what the user changed, and a 400 naming a field is
// shown beside that field.
import { zodResolver } from '@hookform/resolvers/zod';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Controller, useForm, type FieldPath } from 'react-hook-form';
import { z } from 'zod';
import { MaintenanceWindowFields, windowOf } from '@/components/maintenance/maintenance-window-fields';
import { allowsQuorum } from '@/components/nodes/plan-features';
import { SyncReplicationSwitch } from '@/components/nodes/sync-replication-switch';
import { useCan } from '@/components/session/session-context';
import { Button } from '@/components/ui/button';
import { Card, FormError } from '@/components/ui/card';
import { describedBy, Field, Input, Textarea, useFieldId } from '@/components/ui/field';
import { Switch } from '@/components/ui/switch';
import { ConsoleError } from '@/lib/queries/api';
import { useUpdateService } from '@/lib/queries/service-mutations';
import { serviceQuery } from '@/lib/queries/services';
import { cidrEntries, cidrListTextSchema } from '@/lib/schemas/cidr-list';
import { backupScheduleSchema, maintenanceSchema } from '@/lib/schemas/common';
import type { ServicePg, UpdateService } from '@/lib/schemas/service';

const toClock = (text: string) => (text.trim() === '' ? null : /^\d{1,2}$/.test(text.trim()) ? Number(text) : NaN);

/** An hour or minute input: blank (the service chooses) or what the shared backup schema accepts. */
const clockText = (schema: z.ZodType<number | null | undefined>, max: number) =>
  z.string().refine((text) => schema.safeParse(toClock(text)).success, `a whole number from 0 to ${max}, or blank`);

const settingsFormSchema = z.object({
  ipFilter: cidrListTextSchema,
  maintenance: maintenanceSchema,
  backupHour: clockText(backupScheduleSchema.shape['backup-hour'], 23),
  backupMinute: clockText(backupScheduleSchema.shape['backup-minute'], 59),
  terminationProtection: z.boolean(),
  synchronousReplication: z.boolean(),
});
type SettingsForm = z.infer<typeof settingsFormSchema>;

function toForm(s: ServicePg): SettingsForm {
  const backup = s['backup-schedule'] ?? {};
  return {
    ipFilter: (s['ip-filter'] ?? []).join('\n'),
    maintenance: windowOf(s),
    backupHour: String(backup['backup-hour'] ?? ''),
    backupMinute: String(backup['backup-minute'] ?? ''),
    terminationProtection: s['termination-protection'] ?? false,
    synchronousReplication: s['synchronous-replication'] === 'quorum',
  };
}

/** The form field an API error's `field` belongs to (`ip-filter[1]`, `maintenance.time`...). */
function formField(apiField: string | undefined): FieldPath<SettingsForm> | undefined {
  if (!apiField) return undefined;
  if (apiField.startsWith('ip-filter')) return 'ipFilter';
  if (apiField === 'maintenance.dow') return 'maintenance.dow';
  if (apiField.startsWith('maintenance')) return 'maintenance.time';
  if (apiField === 'backup-schedule.backup-minute') return 'backupMinute';
  if (apiField.startsWith('backup-schedule')) return 'backupHour';
  if (apiField === 'termination-protection') return 'terminationProtection';
  if (apiField === 'synchronous-replication') return 'synchronousReplication';
  return undefined;
}

export function ServiceSettingsForm({ service }: { service: ServicePg }) {
  const canWrite = useCan('write');
  if (!canWrite) return null;
  return <SettingsFormBody service={service} />;
}

function SettingsFormBody({ service }: { service: ServicePg }) {
  const name = service.name;
  const canProtect = useCan('termination-protection');
  const qc = useQueryClient();
  const update = useUpdateService(name);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<SettingsForm>({ resolver: zodResolver(settingsFormSchema), defaultValues: toForm(service), mode: 'onChange' });
  const { register, control, handleSubmit, reset, setError, formState } = form;
  const { errors, dirtyFields, isDirty, isSubmitting } = formState;

  // Follow the server: a change made elsewhere shows here, without losing what the user is editing.
  const serverValues = JSON.stringify(toForm(service));
  useEffect(() => {
    reset(JSON.parse(serverValues) as SettingsForm, { keepDirtyValues: true });
  }, [serverValues, reset]);

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    const lines = cidrEntries(values.ipFilter);
    const body: UpdateService = {};
    if (dirtyFields.ipFilter) body['ip-filter'] = lines.map((l) => l.text);
    // The API takes the window and the schedule whole, so a change to either half sends both.
    if (dirtyFields.maintenance?.dow || dirtyFields.maintenance?.time) body.maintenance = values.maintenance;
    if (dirtyFields.backupHour || dirtyFields.backupMinute) {
      body['backup-schedule'] = { 'backup-hour': toClock(values.backupHour), 'backup-minute': toClock(values.backupMinute) };
    }
    if (dirtyFields.terminationProtection) body['termination-protection'] = values.terminationProtection;
    if (dirtyFields.synchronousReplication) body['synchronous-replication'] = values.synchronousReplication ? 'quorum' : 'off';
    try {
      await update.mutateAsync(body);
      const fresh = await qc.fetchQuery({ ...serviceQuery(name), staleTime: 0 });
      reset(toForm(fresh));
    } catch (err) {
      const e = err as ConsoleError;
      const field = e.status === 400 ? formField(e.field) : undefined;
      if (!field) return setFormError(e.message);
      // ip-filter[i] is the i-th entry sent: name its line in the textarea.
      const index = /^ip-filter\[(\d+)\]/.exec(e.field ?? '')?.[1];
      const line = index === undefined ? undefined : lines[Number(index)]?.line;
      setError(field, { message: line ? `Line ${line}: ${e.message}` : e.message }, { shouldFocus: true });
    }
  });

  const ids = {
    ipFilter: useFieldId('ip-filter'),
    hour: useFieldId('backup-hour'),
    minute: useFieldId('backup-minute'),
  };

  return (
    <Card title="Settings">
      <form onSubmit={onSubmit} noValidate className="space-y-5">
        <div className="grid gap-x-8 gap-y-5 lg:grid-cols-2">
          <Field
            id={ids.ipFilter}
            label="Allowed addresses (CIDR, one per line)"
            error={errors.ipFilter?.message}
            description="Only these networks may connect, e.g. 203.0.113.0/24. 0.0.0.0/0 and ::/0 allow every address; an empty list refuses every connection."
          >
            <Textarea {...describedBy(ids.ipFilter, errors.ipFilter?.message)} rows={9} spellCheck={false} autoCapitalize="off" autoComplete="off" {...register('ipFilter')} />
          </Field>

          <div className="space-y-5">
            <MaintenanceWindowFields
              register={{ dow: register('maintenance.dow'), time: register('maintenance.time') }}
              errors={{ dow: errors.maintenance?.dow?.message, time: errors.maintenance?.time?.message }}
            />

            <fieldset className="space-y-2" aria-describedby={`${ids.hour}-group`}>
              <legend className="text-sm font-medium">Daily backup (UTC)</legend>
              <div className="grid gap-3 sm:grid-cols-2">
                <Field id={ids.hour} label="Hour (0–23)" error={errors.backupHour?.message}>
                  <Input {...describedBy(ids.hour, errors.backupHour?.message)} type="number" min={0} max={23} inputMode="numeric" {...register('backupHour')} />
                </Field>
                <Field id={ids.minute} label="Minute (0–59)" error={errors.backupMinute?.message}>
                  <Input {...describedBy(ids.minute, errors.backupMinute?.message)} type="number" min={0} max={59} inputMode="numeric" {...register('backupMinute')} />
                </Field>
              </div>
              <p id={`${ids.hour}-group`} className="text-xs text-zinc-500 dark:text-zinc-400">
                Leave both blank to let the service choose.
              </p>
            </fieldset>

            <Controller
              control={control}
              name="terminationProtection"
              render={({ field }) => (
                <Switch
                  label="Termination protection"
                  description={
                    canProtect
                      ? 'While on, the service cannot be deleted.'
                      : 'While on, the service cannot be deleted. Your API key’s role does not allow switching it; ask an admin.'
                  }
                  name={field.name}
                  checked={field.value}
                  onChange={(e) => field.onChange(e.target.checked)}
                  onBlur={field.onBlur}
                  disabled={!canProtect}
                />
              )}
            />

            {allowsQuorum(service['node-count']) ? (
              <div>
                <Controller
                  control={control}
                  name="synchronousReplication"
                  render={({ field }) => (
                    <SyncReplicationSwitch
                      name={field.name}
                      checked={field.value}
                      onChange={field.onChange}
                      onBlur={field.onBlur}
                      inputRef={field.ref}
                      nodeCount={service['node-count']}
                    />
                  )}
                />
                <FormError message={errors.synchronousReplication?.message} />
              </div>
            ) : null}
          </div>
        </div>

        <FormError message={formError} />
        <div className="flex items-center gap-2">
          <Button type="submit" disabled={!isDirty || isSubmitting} aria-busy={isSubmitting || undefined}>
            {isSubmitting ? 'Saving…' : 'Save changes'}
          </Button>
          <Button
            variant="secondary"
            disabled={!isDirty || isSubmitting}
            onClick={() => {
              setFormError(null);
              reset();
            }}
          >
            Discard changes
          </Button>
        </div>
      </form>
    </Card>
  );
}
