'use client';
// Creating a service: every field checked as typed with the shared schemas,
// the body holds only what was set, upstream refusals land beside their field.
// On success the operation is tracked (useCreateService) and the service page
// shows the progress. "Start from a backup of …" makes it a fork of another;
// "Migrate from an existing server" copies another server's data in.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo, useRef, useState, type ReactNode } from 'react';
import { Controller, useForm, useWatch, type Resolver } from 'react-hook-form';
import { DayOptions } from '@/components/maintenance/maintenance-window-fields';
import { CreateMigrationFields } from '@/components/migration/create-migration-fields';
import { allowsQuorum } from '@/components/nodes/plan-features';
import { SyncReplicationSwitch } from '@/components/nodes/sync-replication-switch';
import { useCan } from '@/components/session/session-context';
import { AdvancedSettingsSection, type AdvancedSettingsHandle } from '@/components/settings/advanced-settings-section';
import { BackLink } from '@/components/ui/back-link';
import { Button } from '@/components/ui/button';
import { ErrorText, FormError } from '@/components/ui/card';
import { describedBy, Field, Input, Select } from '@/components/ui/field';
import { Switch } from '@/components/ui/switch';
import { ConsoleError } from '@/lib/queries/api';
import { useCreateService } from '@/lib/queries/service-mutations';
import { serviceQuery } from '@/lib/queries/services';
import { blankServiceForm } from '@/lib/schemas/form-defaults';
import { pgVersions } from '@/lib/schemas/service-constants';
import type { ServiceForm } from '@/lib/schemas/service-form';
import type { ServiceType } from '@/lib/schemas/service-type';
import { CidrListInput } from './cidr-list-input';
import { ForkSourceFields } from './fork-source-fields';
import { defaultPlan, PlanPicker } from './plan-picker';

const linkClass = 'font-medium text-blue-700 hover:underline focus-visible:outline-2 focus-visible:outline-blue-500 dark:text-blue-400';

/** `type`: the plans and versions, read by the page on the server; `error` when they could not be. */
export function CreateServiceForm({ type, error }: { type?: ServiceType; error?: string }) {
  const canWrite = useCan('write');
  const router = useRouter();
  if (!canWrite) {
    return (
      <div className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm dark:border-amber-800 dark:bg-amber-950/40">
        <p className="font-medium">Your API key is read-only.</p>
        <p className="mt-1">Creating a service needs a key whose role allows changes. Ask an operator or admin for one, or sign in with it.</p>
        <BackLink href="/services" tone="link" className="mt-3">
          Back to services
        </BackLink>
      </div>
    );
  }
  if (!type) {
    return (
      <div className="space-y-2">
        <FormError message={error} />
        <Button variant="secondary" onClick={() => router.refresh()}>
          Try again
        </Button>
      </div>
    );
  }
  return <ServiceFormFields type={type} />;
}

function Section({ legend, description, children }: { legend: string; description?: string; children: ReactNode }) {
  return (
    <fieldset className="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
      {/* floated so the legend sits inside the box like a card title */}
      <legend className="float-left mb-3 w-full">
        <span className="block text-base font-semibold">{legend}</span>
        {description ? <span className="block text-xs font-normal text-zinc-500 dark:text-zinc-400">{description}</span> : null}
      </legend>
      <div className="clear-both space-y-4">{children}</div>
    </fieldset>
  );
}

function ServiceFormFields({ type }: { type: ServiceType }) {
  const router = useRouter();
  const create = useCreateService();
  const canProtect = useCan('termination-protection');
  const [formError, setFormError] = useState<string | null>(null);
  const [leaving, setLeaving] = useState(false);
  // only the versions the console's own schema lets through
  const versions = pgVersions.filter((v) => type['available-versions'].includes(v)).reverse();
  const qc = useQueryClient();
  // the schemas (zod) load with the first check of a typed value, not with the page
  const resolver = useMemo<Resolver<ServiceForm>>(() => async (values, context, options) => (await import('./service-form-checks')).forkResolver(qc)(values, context, options), [qc]);
  const form = useForm<ServiceForm>({
    resolver,
    mode: 'onChange',
    defaultValues: blankServiceForm(defaultPlan(type.plans), pgVersions.find((v) => v === type['default-version'])),
  });
  const { register, control, handleSubmit, setError, formState } = form;
  const errors = formState.errors;
  const [version, forkFrom, plan] = useWatch({ control, name: ['version', 'forkFrom', 'plan'] });
  // sent only where the chosen plan allows it: a switch left on while choosing a smaller plan says nothing
  const [quorum, setQuorum] = useState(false);
  const nodeCount = type.plans.find((p) => p.name === plan)?.['node-count'];
  // a fork's major, users and recoverable window are its source's
  const { data: source } = useQuery({ ...serviceQuery(forkFrom), enabled: forkFrom !== '' });
  const fork = forkFrom ? source : undefined;
  const advanced = useRef<AdvancedSettingsHandle | null>(null);

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    // loaded already: handleSubmit has just checked the values with the same module
    const { formFieldFor, toCreateServiceBody } = await import('@/lib/schemas/service-form');
    // the advanced settings only when some were changed (null: invalid, shown there)
    const settings = advanced.current ? await advanced.current.collect() : {};
    if (!settings) return;
    try {
      const sync = quorum && allowsQuorum(nodeCount) ? { 'synchronous-replication': 'quorum' as const } : {};
      await create.mutateAsync({ name: values.name, body: { ...toCreateServiceBody(values), ...sync, ...settings } });
      setLeaving(true);
      router.push(`/services/${values.name}`);
    } catch (err) {
      const e = err instanceof ConsoleError ? err : undefined;
      if (e && advanced.current?.showError(e.field, e.message)) return;
      // the API names no field when the name is taken; it still belongs beside the name
      const field = e?.code === 'conflict' && !e.field ? 'name' : formFieldFor(e?.field, values.recoveryPoint);
      if (field) setError(field, { message: (err as Error).message }, { shouldFocus: true });
      else setFormError((err as Error).message);
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-6">
      <Section legend="Data">
        <ForkSourceFields form={form} source={fork} />
        {forkFrom ? null : <CreateMigrationFields form={form} />}
      </Section>

      <Section legend="Service">
        <div className="grid gap-4 sm:grid-cols-[2fr_1fr]">
          <Field
            id="name"
            label="Name"
            error={errors.name?.message}
            description="Lowercase letters, digits and hyphens, starting with a letter; at most 63 characters. It cannot be changed later."
          >
            <Input {...describedBy('name', errors.name?.message)} autoComplete="off" spellCheck={false} autoCapitalize="off" placeholder="orders-db" {...register('name')} />
          </Field>
          {forkFrom ? (
            <Field id="version" label="PostgreSQL version" description={`A fork runs the major version of ${forkFrom}.`}>
              <Input {...describedBy('version')} readOnly value={fork?.version ? `PostgreSQL ${fork.version}` : '…'} />
            </Field>
          ) : (
            <Field id="version" label="PostgreSQL version" error={errors.version?.message} description="The major version the service runs.">
              <Select {...describedBy('version', errors.version?.message)} {...register('version')}>
                {versions.map((v) => (
                  <option key={v} value={v}>
                    PostgreSQL {v}
                    {v === type['default-version'] ? ' (default)' : ''}
                  </option>
                ))}
              </Select>
            </Field>
          )}
        </div>
        <Controller
          control={control}
          name="plan"
          render={({ field }) => (
            <PlanPicker
              id="plan"
              name={field.name}
              plans={type.plans}
              value={field.value}
              onChange={field.onChange}
              onBlur={field.onBlur}
              inputRef={field.ref}
              error={errors.plan?.message}
            />
          )}
        />
        <SyncReplicationSwitch name="synchronous-replication" checked={quorum} onChange={setQuorum} nodeCount={nodeCount} />
      </Section>

      <Section
        legend="Admin user"
        description={forkFrom ? `A fork keeps the users of ${forkFrom} with their passwords, its databases and its pools.` : "The service's first user, owner of its default database. Both are optional."}
      >
        {forkFrom ? null : (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field id="admin-username" label="Username" error={errors.adminUsername?.message} description="Leave empty for the default (avnadmin).">
              <Input {...describedBy('admin-username', errors.adminUsername?.message)} autoComplete="off" spellCheck={false} autoCapitalize="off" {...register('adminUsername')} />
            </Field>
            <Field
              id="admin-password"
              label="Password"
              error={errors.adminPassword?.message}
              description="Leave empty to have a strong one generated; you can reveal it on the service page. Otherwise 8+ letters, digits, “-” or “_”."
            >
              <Input {...describedBy('admin-password', errors.adminPassword?.message)} type="password" autoComplete="new-password" {...register('adminPassword')} />
            </Field>
          </div>
        )}
      </Section>

      <Section legend="Network access" description="Who may connect to the service.">
        <Controller
          control={control}
          name="ipFilter"
          render={({ field }) => (
            <CidrListInput id="ip-filter" name={field.name} value={field.value} onChange={field.onChange} onBlur={field.onBlur} inputRef={field.ref} error={errors.ipFilter?.message} />
          )}
        />
      </Section>

      <Section legend="Schedule" description="Times are UTC. Leave empty to let the service choose.">
        <div className="grid gap-4 sm:grid-cols-3">
          <Field id="backup-time" label="Daily backup at" error={errors.backupTime?.message}>
            <Input {...describedBy('backup-time', errors.backupTime?.message)} type="time" {...register('backupTime')} />
          </Field>
          <Field id="maintenance-dow" label="Maintenance day" error={errors.maintenanceDow?.message}>
            <Select {...describedBy('maintenance-dow', errors.maintenanceDow?.message)} {...register('maintenanceDow', { deps: ['maintenanceTime'] })}>
              <option value="">Default</option>
              <DayOptions />
            </Select>
          </Field>
          <Field id="maintenance-time" label="Maintenance at" error={errors.maintenanceTime?.message}>
            <Input {...describedBy('maintenance-time', errors.maintenanceTime?.message)} type="time" {...register('maintenanceTime', { deps: ['maintenanceDow'] })} />
          </Field>
        </div>
      </Section>

      <Section legend="Protection">
        <Controller
          control={control}
          name="terminationProtection"
          render={({ field }) => (
            <Switch
              name={field.name}
              checked={field.value}
              onChange={(e) => field.onChange(e.target.checked)}
              onBlur={field.onBlur}
              disabled={!canProtect}
              label="Termination protection"
              description={
                canProtect
                  ? 'While on, the service cannot be deleted; turn it off first.'
                  : 'Your API key’s role cannot set termination protection; the service is created without it.'
              }
            />
          )}
        />
        {errors.terminationProtection?.message ? <ErrorText error={errors.terminationProtection} /> : null}
      </Section>

      {/* a fork's settings are its source's, with these over them */}
      <AdvancedSettingsSection version={forkFrom ? fork?.version : version} handle={advanced} />

      <FormError message={formError} />
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={formState.isSubmitting || leaving}>
          {formState.isSubmitting || leaving ? 'Creating…' : 'Create service'}
        </Button>
        <Link href="/services" className={`text-sm ${linkClass}`}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
