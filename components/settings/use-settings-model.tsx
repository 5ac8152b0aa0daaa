'use client';
// The settings schema as forms for a major, and what to show until it is there
// (loading, or the error with a retry).
import { useQuery } from '@tanstack/react-query';
import { useMemo, type ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import { ErrorText } from '@/components/ui/card';
import { settingsSchemaQuery } from '@/lib/queries/settings';
import { buildSettingsModel, type SettingsModel } from '@/lib/settings-form/model';

export function useSettingsModel(major: string | undefined, enabled = true): { model: SettingsModel | null; placeholder: ReactNode } {
  const schema = useQuery({ ...settingsSchemaQuery(), enabled });
  const model = useMemo(() => (schema.data ? buildSettingsModel(schema.data, major) : null), [schema.data, major]);
  const placeholder = schema.error ? (
    <div className="space-y-2">
      <ErrorText error={schema.error} />
      <Button variant="secondary" onClick={() => void schema.refetch()}>
        Try again
      </Button>
    </div>
  ) : (
    <p aria-busy="true" className="text-sm text-zinc-500 dark:text-zinc-400">
      Loading the settings schema…
    </p>
  );
  return { model, placeholder };
}
