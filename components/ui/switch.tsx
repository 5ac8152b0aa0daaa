import { forwardRef, type InputHTMLAttributes } from 'react';

/** A labelled checkbox styled as a switch (role=switch keeps it accessible). */
export const Switch = forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement> & { label: string; description?: string }>(function Switch(
  { label, description, ...props },
  ref,
) {
  return (
    <label className="flex cursor-pointer items-start gap-3">
      <input ref={ref} type="checkbox" role="switch" className="peer sr-only" {...props} />
      <span
        aria-hidden
        className="mt-0.5 inline-flex h-5 w-9 shrink-0 items-center rounded-full bg-zinc-300 p-0.5 transition-colors peer-checked:bg-blue-600 peer-focus-visible:outline-2 peer-focus-visible:outline-blue-500 peer-disabled:opacity-50 dark:bg-zinc-700 peer-checked:[&>span]:translate-x-4"
      >
        <span className="h-4 w-4 rounded-full bg-white shadow transition-transform" />
      </span>
      <span className="text-sm">
        <span className="font-medium">{label}</span>
        {description ? <span className="block text-xs text-zinc-500 dark:text-zinc-400">{description}</span> : null}
      </span>
    </label>
  );
});
