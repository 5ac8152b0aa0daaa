'use client';
// The generated fields, grouped as the schema groups them (a section per
// heading, nested objects as fieldsets), those `show` keeps. Serves the
// settings tab and the create form's advanced section.
import type { Control, FieldErrors } from 'react-hook-form';
import { keepNodes, type SettingField, type SettingNode } from '@/lib/settings-form/fields';
import type { SettingsModel } from '@/lib/settings-form/model';
import type { Drafts } from '@/lib/settings-form/values';
import { SettingInput } from './setting-input';

interface Props {
  model: SettingsModel;
  control: Control<Drafts>;
  errors: FieldErrors<Drafts>;
  /** The drafts of what the service reports; undefined while creating. */
  current: Drafts | undefined;
  show: (f: SettingField) => boolean;
  readOnly: boolean;
  /** Fields that were only looked up, with the way to take each out of the view. */
  hideable: (f: SettingField) => boolean;
  onHide: (f: SettingField) => void;
  /** The sections' heading level: under the tab's card title (h2) or straight under the page's h1. */
  headingLevel: 2 | 3;
}

export function SettingsFields({ model, control, errors, current, show, readOnly, hideable, onHide, headingLevel }: Props) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const sections = model.sections.map((s) => ({ ...s, nodes: keepNodes(s.nodes, show) })).filter((s) => s.nodes.length > 0);
  const nodes = (list: SettingNode[]) => (
    <div className="grid gap-x-8 gap-y-5 lg:grid-cols-2">
      {list.map((n) =>
        'field' in n ? (
          <div key={n.field.id} data-setting={n.field.id} className="min-w-0 scroll-mt-24 scroll-mb-24">
            <SettingInput
              field={n.field}
              control={control}
              current={current ? (current[n.field.id] ?? null) : undefined}
              error={errors[n.field.id]?.message}
              readOnly={readOnly}
              onHide={hideable(n.field) ? () => onHide(n.field) : undefined}
            />
          </div>
        ) : (
          <fieldset key={n.group.key} className="min-w-0 rounded-md border border-zinc-200 p-3 lg:col-span-2 dark:border-zinc-800">
            <legend className="px-1 text-sm font-semibold">
              <span className="font-mono">{n.group.key}</span>
              {n.group.title && n.group.title !== n.group.name ? <span className="ml-2 font-normal text-zinc-600 dark:text-zinc-400">{n.group.title}</span> : null}
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
          <Heading id={`settings-section-${s.name}`} className="text-sm font-semibold tracking-wide text-zinc-600 uppercase dark:text-zinc-300">
            {s.title}
          </Heading>
          {nodes(s.nodes)}
        </section>
      ))}
    </div>
  );
}
