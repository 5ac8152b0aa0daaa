'use client';
// The create form's "Migrate from an existing server": the same source fields
// as the wizard, sent as `migration` in the create body. The service runs the
// pre-check itself once it is up, and its page shows how the migration goes.
import { lazy, Suspense } from 'react';
import { useWatch, type UseFormReturn } from 'react-hook-form';
import { Switch } from '@/components/ui/switch';
import type { ServiceForm } from '@/lib/schemas/service-form';

// its module's default export, loaded when the switch is turned on: most creates migrate nothing
const CreateMigrationSource = lazy(() => import('./create-migration-source'));

export function CreateMigrationFields({ form }: { form: UseFormReturn<ServiceForm> }) {
  const migrate = useWatch({ control: form.control, name: 'migrate' });
  return (
    <>
      <Switch
        {...form.register('migrate')}
        label="Migrate from an existing server"
        description="Copy the databases of another PostgreSQL server in once the service runs: once by dump, or kept in sync by replication until you cut over on the service’s page."
      />
      {migrate ? (
        <Suspense fallback={<p className="text-sm text-zinc-500 dark:text-zinc-400">Loading…</p>}>
          <CreateMigrationSource form={form} />
        </Suspense>
      ) : null}
    </>
  );
}
