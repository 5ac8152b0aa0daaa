'use client';
// A service's PostgreSQL, PgBouncer and failover settings, as forms generated
// from the settings schema for the service's major. Save is enabled once
// something changed and opens a review of the diff; Apply sends only the
// changed keys; a 400 naming a key is shown beside it; after success the form
// shows what the server now reports.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { useCan } from '@/components/session/session-context';
import { Button } from '@/components/ui/button';
import { Card, FormError } from '@/components/ui/card';
import { fieldError } from '@/lib/queries/api';
import { useUpdateService } from '@/lib/queries/service-mutations';
import { serviceQuery } from '@/lib/queries/services';
import type { ServicePg, UpdateService } from '@/lib/schemas/service';
import { buildPatch, diff, type SettingChange } from '@/lib/settings-form/changes';
import type { SettingsModel } from '@/lib/settings-form/model';
import { draftsOf, majorOf, settingsOfService, valuesOf, type Drafts } from '@/lib/settings-form/values';
import { SettingsFields } from './settings-fields';
import { SettingsSearch } from './settings-search';
import { settingsResolver } from './settings-resolver';
import { SettingsReviewDialog } from './settings-review-dialog';
import { useSettingsModel } from './use-settings-model';

export function DatabaseSettingsCard({ service }: { service: ServicePg }) {
  const canWrite = useCan('write');
  const { model, placeholder } = useSettingsModel(majorOf(service.version), canWrite);
  if (!canWrite) return null;
  return (
    <Card title="Database configuration">
      {model ? <SettingsForm service={service} model={model} /> : placeholder}
    </Card>
  );
}

function SettingsForm({ service, model }: { service: ServicePg; model: SettingsModel }) {
  const qc = useQueryClient();
  const update = useUpdateService(service.name);
  const current = useMemo(() => settingsOfService(service), [service]);
  const currentDrafts = useMemo(() => draftsOf(model.fields, current), [model, current]);
  const modelRef = useRef<SettingsModel | null>(model);
  const currentRef = useRef(current);
  useEffect(() => {
    modelRef.current = model;
    currentRef.current = current;
  });
  const [resolver] = useState(() => settingsResolver(modelRef, currentRef));
  const { control, handleSubmit, reset, setError, formState } = useForm<Drafts>({ resolver, defaultValues: currentDrafts, mode: 'onChange' });
  const { errors, isDirty } = formState;
  const [query, setQuery] = useState('');
  const [changes, setChanges] = useState<SettingChange[] | null>(null);
  const [applying, setApplying] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);

  // Follow the server: a change made elsewhere shows here, without losing what the user is editing.
  const serverDrafts = JSON.stringify(currentDrafts);
  useEffect(() => {
    reset(JSON.parse(serverDrafts) as Drafts, { keepDirtyValues: true });
  }, [serverDrafts, reset]);

  const drafts = useWatch({ control }) as Drafts;
  const pending = diff(model.fields, current, valuesOf(model.fields, drafts));
  const onSave = handleSubmit((submitted) => {
    setFormError(null);
    const found = diff(model.fields, current, valuesOf(model.fields, submitted));
    if (found.length > 0) setChanges(found);
  });

  const apply = async () => {
    if (!changes) return;
    setApplying(true);
    try {
      await update.mutateAsync(buildPatch(changes) as UpdateService);
      setChanges(null);
      const fresh = await qc.fetchQuery({ ...serviceQuery(service.name), staleTime: 0 });
      reset(draftsOf(model.fields, settingsOfService(fresh)));
    } catch (err) {
      setChanges(null);
      const named = fieldError(err, model.fields.map((f) => f.apiField));
      const field = named && model.fields.find((f) => f.apiField === named.field);
      if (field) {
        // a search could hide the field the server names
        setQuery('');
        setTimeout(() => setError(field.id, { type: 'server', message: named.message }, { shouldFocus: true }), 0);
      } else setFormError((err as Error).message);
    } finally {
      setApplying(false);
    }
  };

  return (
    <>
      <form onSubmit={onSave} noValidate className="space-y-5">
        <SettingsSearch value={query} onChange={setQuery} />
        <SettingsFields model={model} control={control} errors={errors} current={currentDrafts} query={query} />
        <FormError message={formError} />
        <div className="flex flex-wrap items-center gap-2">
          <Button type="submit" disabled={!isDirty || pending.length === 0 || applying}>
            {applying ? 'Saving…' : 'Save settings'}
          </Button>
          <Button
            variant="secondary"
            disabled={!isDirty || applying}
            onClick={() => {
              setFormError(null);
              reset(currentDrafts);
            }}
          >
            Discard changes
          </Button>
          {pending.length > 0 ? <span className="text-sm text-zinc-500 dark:text-zinc-400">{pending.length === 1 ? '1 change' : `${pending.length} changes`} not saved</span> : null}
        </div>
      </form>
      <SettingsReviewDialog open={changes !== null} changes={changes ?? []} applying={applying} onCancel={() => setChanges(null)} onApply={() => void apply()} />
    </>
  );
}
