'use client';
// The settings editor for a service being created, for the chosen version:
// nothing is set yet, so there is no current value, only each key's default,
// and whatever the user fills in is the change.
import { useEffect, useRef, useState, type RefObject } from 'react';
import { useForm } from 'react-hook-form';
import { buildPatch, diff } from '@/lib/settings-form/changes';
import type { SettingsModel } from '@/lib/settings-form/model';
import { valuesOf, type BodyValues, type Drafts } from '@/lib/settings-form/values';
import type { AdvancedSettingsHandle } from './advanced-settings-section';
import { SettingsEditor } from './settings-editor';
import { settingsResolver } from './settings-resolver';
import { useSettingsModel } from './use-settings-model';

const NOTHING_SET: BodyValues = {};

export function CreateSettingsFields({ version, handle, reveal }: { version: string | undefined; handle: RefObject<AdvancedSettingsHandle | null>; reveal: () => void }) {
  const { model, placeholder } = useSettingsModel(version);
  const modelRef = useRef<SettingsModel | null>(model);
  const [resolver] = useState(() => settingsResolver(modelRef, { current: NOTHING_SET }));
  const { control, trigger, getValues, setError, setFocus, formState } = useForm<Drafts>({ resolver, defaultValues: {}, mode: 'onChange' });

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
        // the key was sent, so it was filled in and is in the editor's view
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
    <SettingsEditor
      model={model}
      control={control}
      errors={formState.errors}
      current={NOTHING_SET}
      currentDrafts={undefined}
      setFocus={setFocus}
      whose="changed from their defaults"
      // the create form has no heading between its h1 and these
      headingLevel={2}
    />
  );
}

// the create form loads it lazily, as its default export
export default CreateSettingsFields;
