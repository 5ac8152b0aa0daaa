'use client';
// A service's own settings: allow-list, maintenance window, backup time,
// termination protection and, where the plan has 3 nodes or more, synchronous
// replication. The form follows the server (reset when its values change,
// keeping what the user edits) and hands the tab's save bar what changed:
// each as the review lists it, and the body of only those fields; a 400
// naming a field is shown beside that field.
import { zodResolver } from '@hookform/resolvers/zod';
import { useEffect } from 'react';
import { Controller, useForm, useWatch, type FieldPath, type UseFormReturn } from 'react-hook-form';
import { z } from 'zod';
import { MaintenanceWindowFields, windowOf } from '@/components/maintenance/maintenance-window-fields';
import { allowsQuorum } from '@/components/nodes/plan-features';
import { SyncReplicationSwitch } from '@/components/nodes/sync-replication-switch';
import { useCan } from '@/components/session/session-context';
import type { ReviewItem, SettingsPart } from '@/components/settings/settings-part';
import { Card, FormError } from '@/components/ui/card';
import { describedBy, Field, Input, Textarea, useFieldId } from '@/components/ui/field';
import { Switch } from '@/components/ui/switch';
import { ConsoleError } from '@/lib/queries/api';
import { cidrEntries } from '@/lib/schemas/cidr';
import { cidrListTextSchema } from '@/lib/schemas/cidr-list';
import { backupScheduleSchema, maintenanceSchema } from '@/lib/schemas/common';
import type { ServicePg, UpdateService } from '@/lib/schemas/service';
import { dayLabel } from './format';

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

const two = (n: number | null) => (n === null ? '' : String(n).padStart(2, '0'));
const backupText = (hour: number | null, minute: number | null) => (hour === null && minute === null ? 'chosen by the service' : `${two(hour ?? 0)}:${two(minute ?? 0)} UTC`);
const listText = (list: string[]) => (list.length === 0 ? 'none (every connection refused)' : list.join(', '));
const onOff = (on: boolean) => (on ? 'on' : 'off');
// not format.ts' windowText: the create form shares that module's client copy, which would carry it too
const windowLabel = (m: SettingsForm['maintenance']) => (m.dow === 'never' ? 'never' : `${dayLabel(m.dow)} ${m.time} UTC`);

/** What differs from the server, each as the review lists it with the body fragment that sends it. */
function changesOf(server: SettingsForm, v: SettingsForm): { item: ReviewItem; body: UpdateService }[] {
  const out: { item: ReviewItem; body: UpdateService }[] = [];
  const add = (id: string, key: string, old: string, now: string, body: UpdateService) => out.push({ item: { id, section: 'Service', key, old, new: now, restart: false }, body });
  const [before, after] = [cidrEntries(server.ipFilter).map((e) => e.text), cidrEntries(v.ipFilter).map((e) => e.text)];
  if (before.join('\n') !== after.join('\n')) add('ip-filter', 'Allowed addresses', listText(before), listText(after), { 'ip-filter': after });
  // the API takes the window and the schedule whole, so a change to either half sends both
  if (server.maintenance.dow !== v.maintenance.dow || server.maintenance.time !== v.maintenance.time) {
    add('maintenance', 'Maintenance window', windowLabel(server.maintenance), windowLabel(v.maintenance), { maintenance: v.maintenance });
  }
  const [hour, minute] = [toClock(v.backupHour), toClock(v.backupMinute)];
  if (toClock(server.backupHour) !== hour || toClock(server.backupMinute) !== minute) {
    add('backup-schedule', 'Daily backup', backupText(toClock(server.backupHour), toClock(server.backupMinute)), backupText(hour, minute), {
      'backup-schedule': { 'backup-hour': hour, 'backup-minute': minute },
    });
  }
  if (server.terminationProtection !== v.terminationProtection) {
    add('termination-protection', 'Termination protection', onOff(server.terminationProtection), onOff(v.terminationProtection), { 'termination-protection': v.terminationProtection });
  }
  if (server.synchronousReplication !== v.synchronousReplication) {
    const mode = (on: boolean) => (on ? 'quorum' : 'off');
    add('synchronous-replication', 'Synchronous replication', mode(server.synchronousReplication), mode(v.synchronousReplication), {
      'synchronous-replication': mode(v.synchronousReplication),
    });
  }
  return out;
}

export interface ServiceFields {
  form: UseFormReturn<SettingsForm>;
  part: SettingsPart;
}

export function useServiceFields(service: ServicePg): ServiceFields {
  const form = useForm<SettingsForm>({ resolver: zodResolver(settingsFormSchema), defaultValues: toForm(service), mode: 'onChange' });
  const { control, reset, setError, trigger, getValues } = form;

  // Follow the server: a change made elsewhere shows here, without losing what the user is editing.
  const serverValues = JSON.stringify(toForm(service));
  useEffect(() => {
    reset(JSON.parse(serverValues) as SettingsForm, { keepDirtyValues: true });
  }, [serverValues, reset]);

  const values = useWatch({ control }) as SettingsForm;
  const server = toForm(service);
  const part: SettingsPart = {
    items: changesOf(server, { ...server, ...values }).map((c) => c.item),
    check: () => trigger(undefined, { shouldFocus: true }),
    body: () => Object.assign({}, ...changesOf(server, getValues()).map((c) => c.body)) as UpdateService,
    discard: () => reset(server),
    settle: (fresh) => reset(toForm(fresh)),
    showError(err) {
      const e = err instanceof ConsoleError ? err : undefined;
      const field = e?.status === 400 ? formField(e.field) : undefined;
      if (!e || !field) return false;
      // ip-filter[i] is the i-th entry sent: name its line in the textarea.
      const index = /^ip-filter\[(\d+)\]/.exec(e.field ?? '')?.[1];
      const line = index === undefined ? undefined : cidrEntries(getValues().ipFilter)[Number(index)]?.line;
      setError(field, { message: line ? `Line ${line}: ${e.message}` : e.message }, { shouldFocus: true });
      return true;
    },
  };
  return { form, part };
}

export function ServiceFieldsCard({ service, settings, readOnly }: { service: ServicePg; settings: ServiceFields; readOnly: boolean }) {
  const canProtect = useCan('termination-protection');
  const { register, control, formState } = settings.form;
  const errors = formState.errors;
  const ids = {
    ipFilter: useFieldId('ip-filter'),
    hour: useFieldId('backup-hour'),
    minute: useFieldId('backup-minute'),
  };

  return (
    <Card title="Settings">
      {/* disabled for read-only keys: every control inside at once */}
      <fieldset disabled={readOnly} className="m-0 grid min-w-0 gap-x-8 gap-y-5 border-0 p-0 lg:grid-cols-2">
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
      </fieldset>
    </Card>
  );
}
