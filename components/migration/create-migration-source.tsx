'use client';
// The source fields of the create form's "Migrate from an existing server",
// its module loaded once the switch is turned on (create-migration-fields.tsx).
import { useWatch, type UseFormReturn } from 'react-hook-form';
import type { SourceForm } from '@/lib/schemas/migration-form';
import type { ServiceForm } from '@/lib/schemas/service-form';
import { MigrationSourceFields, registerSource } from './source-fields';

export default function CreateMigrationSource({ form }: { form: UseFormReturn<ServiceForm> }) {
  const { register, control, formState } = form;
  const ssl = useWatch({ control, name: 'source.ssl' });
  const found = formState.errors.source ?? {};
  const errors = Object.fromEntries(Object.entries(found).map(([k, v]) => [k, (v as { message?: string } | undefined)?.message])) as Partial<Record<keyof SourceForm, string>>;
  return <MigrationSourceFields register={registerSource(register, 'source.')} errors={errors} ssl={ssl} />;
}
