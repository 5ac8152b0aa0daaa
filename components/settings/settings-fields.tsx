'use client';
// The generated fields of every section, grouped as the schema groups them
// (nested objects as fieldsets), filtered by a search on key names. Serves the
// settings tab and the create form's advanced section.
import type { Control, FieldErrors } from 'react-hook-form';
import { filterNodes, type SettingNode } from '@/lib/settings-form/fields';
import type { SettingsModel } from '@/lib/settings-form/model';
import type { Drafts } from '@/lib/settings-form/values';
import { SettingInput } from './setting-input';

interface Props {
  model: SettingsModel;
  control: Control<Drafts>;
  errors: FieldErrors<Drafts>;
  /** The drafts of what the server reports (all blank when creating). */
  current: Drafts;
  query: string;
}

export function SettingsFields({ model, control, errors, current, query }: Props) {
  const sections = model.sections.map((s) => ({ ...s, nodes: filterNodes(s.nodes, query) })).filter((s) => s.nodes.length > 0);
  if (sections.length === 0) return <p className="text-sm text-zinc-500 dark:text-zinc-400">No setting’s name contains “{query.trim()}”.</p>;
  const nodes = (list: SettingNode[]) => (
    <div className="grid gap-x-8 gap-y-5 lg:grid-cols-2">
      {list.map((n) =>
        'field' in n ? (
          <SettingInput key={n.field.id} field={n.field} control={control} current={current[n.field.id] ?? null} error={errors[n.field.id]?.message} />
        ) : (
          <fieldset key={n.group.key} className="rounded-md border border-zinc-200 p-3 lg:col-span-2 dark:border-zinc-800">
            <legend className="px-1 text-sm font-semibold">
              <span className="font-mono">{n.group.key}</span>
              {n.group.title && n.group.title !== n.group.name ? <span className="ml-2 font-normal text-zinc-500 dark:text-zinc-400">{n.group.title}</span> : null}
            </legend>
            {nodes(n.group.nodes)}
          </fieldset>
        ),
      )}
    </div>
  );
  return (
    <div className="space-y-6">
      {sections.map((s) => (
        <section key={s.name} aria-labelledby={`settings-section-${s.name}`} className="space-y-3">
          <h3 id={`settings-section-${s.name}`} className="text-sm font-semibold tracking-wide text-zinc-600 uppercase dark:text-zinc-300">
            {s.title}
          </h3>
          {nodes(s.nodes)}
        </section>
      ))}
    </div>
  );
}
