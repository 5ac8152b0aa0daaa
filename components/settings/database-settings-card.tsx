'use client';
// A service's PostgreSQL, PgBouncer and failover settings, as forms generated
// from the settings schema for the service's major. The form follows the
// server (reset when what it reports changes, keeping what the user edits),
// hands the tab's save bar the diff to review and the body of exactly those
// keys, shows a 400 naming a key beside it, and after a save shows what the
// server then reports.
import type { ReactNode } from 'react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useForm, useWatch, type UseFormReturn } from 'react-hook-form';
import { Card } from '@/components/ui/card';
import type { Revert } from '@/lib/activity/settings-changes';
import { fieldError } from '@/lib/queries/api';
import type { ServicePg, UpdateService } from '@/lib/schemas/service';
import { buildPatch, diff } from '@/lib/settings-form/changes';
import type { SettingsModel } from '@/lib/settings-form/model';
import { draftsOf, settingsOfService, valuesOf, type BodyValues, type Drafts } from '@/lib/settings-form/values';
import { SettingsEditor } from './settings-editor';
import type { SettingsPart } from './settings-part';
import { settingsResolver } from './settings-resolver';
import { reviewItemOf } from './settings-review-dialog';

export interface DatabaseSettings {
  form: UseFormReturn<Drafts>;
  current: BodyValues;
  currentDrafts: Drafts;
  part: SettingsPart;
  /** Puts a history entry's keys back in the form as changes to review (counted by the save bar, shown in the editor). */
  revert(revert: Revert): void;
}

export function useDatabaseSettings(service: ServicePg, model: SettingsModel | null): DatabaseSettings {
  const current = useMemo(() => settingsOfService(service), [service]);
  const currentDrafts = useMemo(() => (model ? draftsOf(model.fields, current) : {}), [model, current]);
  const modelRef = useRef<SettingsModel | null>(model);
  const currentRef = useRef(current);
  useEffect(() => {
    modelRef.current = model;
    currentRef.current = current;
  });
  const [resolver] = useState(() => settingsResolver(modelRef, currentRef));
  const form = useForm<Drafts>({ resolver, defaultValues: currentDrafts, mode: 'onChange' });
  const { control, reset, setError, setValue, trigger, getValues } = form;

  // Follow the server: a change made elsewhere shows here, without losing what the user is editing.
  const serverDrafts = JSON.stringify(currentDrafts);
  useEffect(() => {
    reset(JSON.parse(serverDrafts) as Drafts, { keepDirtyValues: true });
  }, [serverDrafts, reset]);

  const drafts = useWatch({ control }) as Drafts;
  const fields = model?.fields ?? [];
  const pending = diff(fields, current, valuesOf(fields, drafts));
  const part: SettingsPart = {
    items: pending.map(reviewItemOf),
    check: () => trigger(undefined, { shouldFocus: true }),
    body: () => buildPatch(diff(fields, current, valuesOf(fields, getValues()))) as UpdateService,
    discard: () => reset(currentDrafts),
    settle: (fresh) => reset(draftsOf(fields, settingsOfService(fresh))),
    showError(err) {
      const named = fieldError(err, fields.map((f) => f.apiField));
      const field = named && fields.find((f) => f.apiField === named.field);
      if (!field) return false;
      // the key was sent, so it is being edited and in view
      setError(field.id, { type: 'server', message: named.message }, { shouldFocus: true });
      return true;
    },
  };
  const revert = (r: Revert) => r.drafts.forEach(({ field, draft }) => setValue(field.id, draft, { shouldDirty: true, shouldValidate: true }));
  return { form, current, currentDrafts, part, revert };
}

export function DatabaseSettingsCard({ settings, model, placeholder, readOnly }: { settings: DatabaseSettings; model: SettingsModel | null; placeholder: ReactNode; readOnly: boolean }) {
  const { form, current, currentDrafts } = settings;
  return (
    <Card title="Database configuration">
      {model ? (
        <SettingsEditor
          model={model}
          control={form.control}
          errors={form.formState.errors}
          current={current}
          currentDrafts={currentDrafts}
          setFocus={form.setFocus}
          readOnly={readOnly}
          whose="set on this service"
        />
      ) : (
        placeholder
      )}
    </Card>
  );
}
