'use client';
// One generated setting: the control its kind calls for (select, switch,
// number with unit, text, checkbox group), its hint (what it does, range,
// current value on a service, default with its unit, restart) or its error,
// a way back to the default, and one out of the view for a key only looked up.
import { X } from 'lucide-react';
import { useId, type ReactNode } from 'react';
import { Controller, type Control } from 'react-hook-form';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { describedBy, Input, Select } from '@/components/ui/field';
import { Switch } from '@/components/ui/switch';
import { rangeText, settingProblem, unitLabel } from '@/lib/schemas/setting-check';
import type { SettingField } from '@/lib/settings-form/fields';
import { defaultText, formatValue, fromDraft, type Draft, type Drafts } from '@/lib/settings-form/values';

const hintClass = 'text-xs text-zinc-500 dark:text-zinc-400';

/** What may be entered: the ranges in the words the refusals use, a text's length and pattern, a list's size. */
function allowed(f: SettingField): string | undefined {
  if (f.ranges) return rangeText(f.ranges, f.unit);
  if (f.kind === 'text' && (f.maxLength !== undefined || f.pattern)) {
    return [f.maxLength !== undefined ? `up to ${f.maxLength} characters` : '', f.pattern ? `matching ${f.pattern}` : ''].filter(Boolean).join(', ');
  }
  if (f.kind === 'multi' && f.maxItems !== undefined) return `up to ${f.maxItems}`;
  return undefined;
}

/** What is shown under the control while it has no error; `current` is undefined while creating (nothing is set yet). */
function Hint({ field, current }: { field: SettingField; current: Draft | undefined }) {
  const range = allowed(field);
  const title = field.title && field.title !== field.name ? field.title : undefined;
  return (
    <>
      {title || field.description ? <span className="block">{[title, field.description].filter(Boolean).join('. ')}</span> : null}
      <span className="block">
        {range ? <>Allowed: {range} · </> : null}
        {current !== undefined ? <>Current: {formatValue(field, fromDraft(field, current))} · </> : null}
        Default: {defaultText(field)}
        {field.restart ? <> · <strong className="font-medium text-amber-700 dark:text-amber-400">changing it restarts the database</strong></> : null}
      </span>
    </>
  );
}

const same = (a: Draft, b: Draft) => JSON.stringify(a) === JSON.stringify(b);
const isBlank = (d: Draft | undefined) => d === undefined || d === null || d === '';

interface Props {
  field: SettingField;
  control: Control<Drafts>;
  /** What the service reports; undefined while creating, where nothing is set yet. */
  current: Draft | undefined;
  error?: string;
  readOnly?: boolean;
  /** Takes a key that was only looked up out of the view again. */
  onHide?: () => void;
}

export function SettingInput({ field, control, current, error, readOnly = false, onHide }: Props) {
  const id = `${useId()}-${field.id}`;
  return (
    <Controller
      control={control}
      name={field.id}
      render={({ field: f }) => {
        const changed = !same(f.value ?? null, current ?? null) && !(isBlank(f.value) && isBlank(current ?? null));
        const reset =
          !readOnly && field.clearable && !isBlank(f.value) ? (
            // the visible words start the accessible name (WCAG 2.5.3, axe label-content-name-mismatch)
            <Button variant="ghost" className="shrink-0 px-1.5 py-0.5 text-xs whitespace-nowrap" onClick={() => f.onChange(field.kind === 'switch' || field.kind === 'multi' ? null : '')} aria-label={`Use default for ${field.key}`}>
              Use default
            </Button>
          ) : null;
        const hide =
          onHide && !readOnly ? (
            <Button variant="ghost" className="px-1 py-0.5" onClick={onHide} aria-label={`Hide ${field.key}`} title="Hide: it keeps its default">
              <X aria-hidden className="h-3.5 w-3.5" />
            </Button>
          ) : null;
        const marks =
          field.restart || changed || hide ? (
            <span className="flex items-center gap-1.5">
              {field.restart ? <Badge tone="amber">restart</Badge> : null}
              {changed ? <Badge tone="zinc">changed</Badge> : null}
              {hide}
            </span>
          ) : null;
        const hint = <Hint field={field} current={current} />;
        // back to "not set" when a switch or list returns to what an unset key already means
        const unset = (current ?? null) === null;
        const a11y = describedBy(id, error);

        if (field.kind === 'switch') {
          const checked = typeof f.value === 'boolean' ? f.value : field.default === true;
          return (
            <Shell id={id} error={error} reset={reset} hint={hint} marks={marks}>
              <Switch
                ref={f.ref}
                name={f.name}
                label={field.name}
                checked={checked}
                aria-describedby={a11y['aria-describedby']}
                aria-invalid={a11y['aria-invalid']}
                onBlur={f.onBlur}
                onChange={(e) => f.onChange(unset && e.target.checked === (field.default === true) ? null : e.target.checked)}
              />
            </Shell>
          );
        }

        if (field.kind === 'multi') {
          const fallback = Array.isArray(field.default) ? field.default.map(String) : [];
          const chosen = Array.isArray(f.value) ? f.value : fallback;
          return (
            <fieldset aria-describedby={a11y['aria-describedby']} aria-invalid={a11y['aria-invalid']} className="space-y-1">
              <legend className="mb-1 font-mono text-sm font-medium break-all">{field.name}</legend>
              {marks}
              <div className="flex flex-wrap gap-x-4 gap-y-1">
                {(field.options ?? []).map((o, i) => (
                  <label key={String(o)} className="inline-flex items-center gap-1.5 text-sm">
                    <input
                      ref={i === 0 ? f.ref : undefined}
                      type="checkbox"
                      className="h-4 w-4 accent-blue-600"
                      checked={chosen.includes(String(o))}
                      onBlur={f.onBlur}
                      onChange={(e) => {
                        const next = (field.options ?? []).map(String).filter((x) => (x === String(o) ? e.target.checked : chosen.includes(x)));
                        f.onChange(unset && same(next, fallback) ? null : next);
                      }}
                    />
                    <span className="font-mono">{String(o)}</span>
                  </label>
                ))}
              </div>
              <Foot id={id} error={error} hint={hint} reset={reset} />
            </fieldset>
          );
        }

        const control =
          field.kind === 'select' ? (
            <Select {...a11y} ref={f.ref} name={f.name} value={typeof f.value === 'string' ? f.value : ''} onChange={(e) => f.onChange(e.target.value)} onBlur={f.onBlur}>
              <option value="">{`Default (${defaultText(field)})`}</option>
              {(field.options ?? []).map((o) => (
                <option key={String(o)} value={String(o)}>
                  {String(o)}
                </option>
              ))}
            </Select>
          ) : (
            <span className="flex items-center gap-2">
              <Input
                {...a11y}
                ref={f.ref}
                name={f.name}
                value={typeof f.value === 'string' ? f.value : ''}
                onChange={(e) => f.onChange(e.target.value)}
                onBlur={f.onBlur}
                inputMode={field.kind === 'integer' ? 'numeric' : field.kind === 'number' ? 'decimal' : undefined}
                // the default as one would type it (the unit stands beside the input)
                placeholder={field.default !== undefined && settingProblem(field.schema, field.default) === null ? String(field.default) : 'default'}
                maxLength={field.kind === 'text' ? field.maxLength : undefined}
                autoComplete="off"
                spellCheck={false}
                className={field.kind === 'text' ? undefined : 'max-w-40'}
              />
              {field.unit ? <span className="text-sm text-zinc-500 dark:text-zinc-400">{unitLabel(field.unit)}</span> : null}
            </span>
          );
        return (
          <Shell id={id} error={error} reset={reset} hint={hint} marks={marks} label={field.name}>
            {control}
          </Shell>
        );
      }}
    />
  );
}

function Shell({ id, label, marks, error, hint, reset, children }: { id: string; label?: string; marks: ReactNode; error?: string; hint: ReactNode; reset: ReactNode; children: ReactNode }) {
  return (
    <div className="space-y-1">
      {label || marks ? (
        <div className="flex flex-wrap items-center gap-2">
          {label ? (
            <label htmlFor={id} className="font-mono text-sm font-medium break-all">
              {label}
            </label>
          ) : null}
          {marks}
        </div>
      ) : null}
      {children}
      <Foot id={id} error={error} hint={hint} reset={reset} />
    </div>
  );
}

/** The hint or the error (ids the control's aria-describedby points at), and the reset button. */
function Foot({ id, error, hint, reset }: { id: string; error?: string; hint: ReactNode; reset: ReactNode }) {
  return (
    <div className="flex items-start justify-between gap-2">
      {error ? (
        <p id={`${id}-error`} role="alert" className="text-xs text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : (
        <p id={`${id}-description`} className={hintClass}>
          {hint}
        </p>
      )}
      {reset}
    </div>
  );
}
