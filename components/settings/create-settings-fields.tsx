'use client';
// The generated settings fields for a service being created, for the chosen
// version. Nothing is set yet, so whatever the user fills in is the change.
import { useEffect, useRef, useState, type RefObject } from 'react';
import { useForm } from 'react-hook-form';
import { buildPatch, diff } from '@/lib/settings-form/changes';
import type { SettingsModel } from '@/lib/settings-form/model';
import { valuesOf, type BodyValues, type Drafts } from '@/lib/settings-form/values';
import type { AdvancedSettingsHandle } from './advanced-settings-section';
import { SettingsFields } from './settings-fields';
import { SettingsSearch } from './settings-search';
import { settingsResolver } from './settings-resolver';
import { useSettingsModel } from './use-settings-model';

const NOTHING_SET: BodyValues = {};

export function CreateSettingsFields({ version, handle, reveal }: { version: string | undefined; handle: RefObject<AdvancedSettingsHandle | null>; reveal: () => void }) {
  const { model, placeholder } = useSettingsModel(version);
  const modelRef = useRef<SettingsModel | null>(model);
  const [resolver] = useState(() => settingsResolver(modelRef, { current: NOTHING_SET }));
  const { control, trigger, getValues, setError, formState } = useForm<Drafts>({ resolver, defaultValues: {}, mode: 'onChange' });
  const [query, setQuery] = useState('');

  useEffect(() => {
    modelRef.current = model;
    if (model) void trigger();
  }, [model, trigger]);

  useEffect(() => {
    handle.current = {
      async collect() {
        const m = modelRef.current;
        if (!m) return {};
        if (!(await trigger())) {
          reveal();
          return null;
        }
        return buildPatch(diff(m.fields, NOTHING_SET, valuesOf(m.fields, getValues())));
      },
      showError(apiField, message) {
        const field = modelRef.current?.fields.find((f) => f.apiField === apiField);
        if (!field) return false;
        reveal();
        setQuery('');
        setTimeout(() => setError(field.id, { type: 'server', message: message.replace(`${apiField}: `, '') }, { shouldFocus: true }), 0);
        return true;
      },
    };
    return () => {
      handle.current = null;
    };
  }, [handle, trigger, getValues, setError, reveal]);

  if (!model) return placeholder;
  return (
    <div className="space-y-5">
      <SettingsSearch value={query} onChange={setQuery} />
      <SettingsFields model={model} control={control} errors={formState.errors} current={{}} query={query} />
    </div>
  );
}
