'use client';
// Plans as radio cards in one fieldset: arrow keys move between the plans a
// key may choose (native radio behaviour), the others are shown but disabled.
// Each says what its nodes give (failover, synchronous quorum) and, where the
// service type says, how many backups it keeps. The create form and the plan
// change dialog (which marks the service's current plan) both use it.
import type { Ref } from 'react';
import { planGives } from '@/components/nodes/plan-features';
import { Badge } from '@/components/ui/badge';
import { cn } from '@/components/ui/cn';
import type { Plan } from '@/lib/schemas/service-type';
import { formatBytes } from './format';

/** The preselected plan: startup-4 when it may be chosen, else the first that may. */
export const defaultPlan = (plans: Plan[]): string =>
  plans.find((p) => p.name === 'startup-4' && p.authorized !== false)?.name ?? plans.find((p) => p.authorized !== false)?.name ?? '';

interface PlanPickerProps {
  id: string;
  name: string;
  plans: Plan[];
  value: string;
  onChange: (plan: string) => void;
  onBlur?: () => void;
  error?: string;
  /** Given to the checked (or first choosable) radio so the form can focus it on error. */
  inputRef?: Ref<HTMLInputElement>;
  /** The plan the service runs now, marked as such. */
  current?: string;
  /** Under the legend. */
  description?: string;
  /** The grid's columns, where the picker sits in something narrower than the page. */
  columns?: string;
}

export function PlanPicker({ id, name, plans, value, onChange, onBlur, error, inputRef, current, description, columns = 'sm:grid-cols-2 lg:grid-cols-3' }: PlanPickerProps) {
  const focusTarget = plans.some((p) => p.name === value) ? value : defaultPlan(plans);
  return (
    <fieldset aria-describedby={error ? `${id}-error` : `${id}-description`} className="space-y-2">
      <legend className="text-sm font-medium">Plan</legend>
      <p id={`${id}-description`} className="text-xs text-zinc-500 dark:text-zinc-400">
        {description ?? 'CPUs, memory and disk are per node. You can change the plan later.'}
      </p>
      <div className={cn('grid gap-2', columns)}>
        {plans.map((plan) => {
          const disabled = plan.authorized === false;
          const inputId = `${id}-${plan.name}`;
          const kept = plan['backup-config']?.['max-count'];
          return (
            <label
              key={plan.name}
              htmlFor={inputId}
              className={cn(
                'relative flex flex-col gap-0.5 rounded-md border p-3 text-sm transition-colors',
                'border-zinc-300 dark:border-zinc-700',
                'has-checked:border-blue-600 has-checked:bg-blue-50 has-checked:ring-1 has-checked:ring-blue-600',
                'dark:has-checked:border-blue-500 dark:has-checked:bg-blue-950/40 dark:has-checked:ring-blue-500',
                'has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-blue-500',
                disabled
                  ? 'cursor-not-allowed border-dashed text-zinc-400 dark:text-zinc-500'
                  : 'cursor-pointer hover:border-zinc-400 dark:hover:border-zinc-500',
              )}
            >
              <input
                ref={plan.name === focusTarget ? inputRef : undefined}
                id={inputId}
                type="radio"
                name={name}
                value={plan.name}
                checked={value === plan.name}
                disabled={disabled}
                onChange={() => onChange(plan.name)}
                onBlur={onBlur}
                aria-invalid={error ? true : undefined}
                aria-describedby={disabled ? `${inputId}-why` : undefined}
                className="sr-only"
              />
              <span className="flex flex-wrap items-center gap-2 font-medium">
                {plan.name}
                {plan.name === current ? <Badge tone="green">current</Badge> : null}
              </span>
              <span className={disabled ? undefined : 'text-zinc-600 dark:text-zinc-300'}>{planGives(plan['node-count'])}</span>
              <span className={disabled ? undefined : 'text-zinc-600 dark:text-zinc-300'}>
                {plan['node-cpu-count']} {plan['node-cpu-count'] === 1 ? 'CPU' : 'CPUs'} · {formatBytes(plan['node-memory'])} memory ·{' '}
                {formatBytes(plan['disk-space'])} disk
              </span>
              {kept !== undefined ? <span className={disabled ? undefined : 'text-zinc-600 dark:text-zinc-300'}>keeps {kept} {kept === 1 ? 'backup' : 'backups'}</span> : null}
              {disabled ? (
                <span id={`${inputId}-why`} className="text-xs italic">
                  not available to this key
                </span>
              ) : null}
            </label>
          );
        })}
      </div>
      {error ? (
        <p id={`${id}-error`} role="alert" className="text-xs text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
