'use client';
// The settings editor of the settings tab and of the create form's advanced
// section: it shows what matters (the keys the service sets, those being
// edited, those looked up with "Add a setting…"), grouped by section, and
// every key once "Show all settings" is on. Read-only keys get the same view
// with every input disabled.
import { useEffect, useState } from 'react';
import { useWatch, type Control, type FieldErrors } from 'react-hook-form';
import { Switch } from '@/components/ui/switch';
import type { SettingField } from '@/lib/settings-form/fields';
import type { SettingsModel } from '@/lib/settings-form/model';
import { valuesOf, type BodyValues, type Drafts } from '@/lib/settings-form/values';
import { fieldsInView } from '@/lib/settings-form/view';
import { SettingPicker } from './setting-picker';
import { SettingsFields } from './settings-fields';

interface Props {
  model: SettingsModel;
  control: Control<Drafts>;
  errors: FieldErrors<Drafts>;
  /** What the service sets ({} while creating) and the drafts of it (undefined while creating: there is no current value). */
  current: BodyValues;
  currentDrafts: Drafts | undefined;
  setFocus: (id: string) => void;
  readOnly?: boolean;
  /** Words for what the view holds: "set on this service", "changed from their defaults". */
  whose: string;
  /** The sections' heading level (2 where no card title heads the editor). */
  headingLevel?: 2 | 3;
}

export function SettingsEditor({ model, control, errors, current, currentDrafts, setFocus, readOnly = false, whose, headingLevel = 3 }: Props) {
  const [asked, setAsked] = useState<ReadonlySet<string>>(() => new Set());
  const [showAll, setShowAll] = useState(false);
  const [focusing, setFocusing] = useState<string | null>(null);
  const drafts = useWatch({ control }) as Drafts;
  const edited = valuesOf(model.fields, drafts);
  const inView = fieldsInView(model.fields, current, edited, asked);
  // the keys that matter without asking: set, or being edited
  const own = fieldsInView(model.fields, current, edited, new Set());
  const shown = (f: SettingField) => showAll || inView.has(f.id);

  // a picked key: into view, then the focus on its control (a disabled one only scrolls there)
  useEffect(() => {
    if (!focusing) return;
    document.querySelector(`[data-setting="${CSS.escape(focusing)}"]`)?.scrollIntoView({ block: 'center' });
    setFocus(focusing);
    setFocusing(null);
  }, [focusing, setFocus]);

  const count = showAll ? model.fields.length : inView.size;
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <SettingPicker
          fields={model.fields}
          isShown={shown}
          onPick={(f) => {
            setAsked((a) => new Set(a).add(f.id));
            setFocusing(f.id);
          }}
        />
        <Switch label="Show all settings" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} />
      </div>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        {showAll
          ? `All ${model.fields.length} settings.`
          : own.size === 0
            ? `Every setting is at its default.${count > 0 ? '' : readOnly ? ' Look one up with “Add a setting…”, or show all.' : ' Find one to change with “Add a setting…”, or show all.'}`
            : `${own.size} of ${model.fields.length} settings ${whose}.`}
      </p>
      {/* disabled for read-only keys: every control inside at once */}
      <fieldset disabled={readOnly} className="m-0 min-w-0 border-0 p-0">
        <SettingsFields
          model={model}
          control={control}
          errors={errors}
          current={currentDrafts}
          show={shown}
          readOnly={readOnly}
          headingLevel={headingLevel}
          hideable={(f) => !showAll && asked.has(f.id) && !own.has(f.id)}
          onHide={(f) =>
            setAsked((a) => {
              const next = new Set(a);
              next.delete(f.id);
              return next;
            })
          }
        />
      </fieldset>
    </div>
  );
}
