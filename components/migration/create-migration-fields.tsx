'use client';
// The create form's "Migrate from an existing server": the same source fields
// as the wizard, sent as `migration` in the create body. The service runs the
// pre-check itself once it is up, and its page shows how the migration goes.
import { useWatch, type UseFormReturn } from 'react-hook-form';
import { Switch } from '@/components/ui/switch';
import type { SourceForm } from '@/lib/schemas/migration-form';
import type { ServiceForm } from '@/lib/schemas/service-form';
import { MigrationSourceFields, registerSource } from './source-fields';

export function CreateMigrationFields({ form }: { form: UseFormReturn<ServiceForm> }) {
  const { register, control, formState } = form;
  const [migrate, ssl] = useWatch({ control, name: ['migrate', 'source.ssl'] });
  const found = formState.errors.source ?? {};
  const errors = Object.fromEntries(Object.entries(found).map(([k, v]) => [k, (v as { message?: string } | undefined)?.message])) as Partial<Record<keyof SourceForm, string>>;
  return (
    <>
      <Switch
        {...register('migrate')}
        label="Migrate from an existing server"
        description="Copy the databases of another PostgreSQL server in once the service runs: once by dump, or kept in sync by replication until you cut over on the service’s page."
      />
      {migrate ? <MigrationSourceFields register={registerSource(register, 'source.')} errors={errors} ssl={ssl} /> : null}
    </>
  );
}
