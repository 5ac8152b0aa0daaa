// Field markup: label, control (aria-invalid, aria-describedby), description and error.
import { forwardRef, useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { cn } from './cn';

const control =
  'w-full rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm shadow-xs dark:border-zinc-700 dark:bg-zinc-900 ' +
  'focus-visible:outline-2 focus-visible:outline-blue-500 aria-[invalid=true]:border-red-500';

export function Field({ label, description, error, children, id }: { label: string; description?: ReactNode; error?: string; id: string; children: ReactNode }) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {children}
      {description && !error ? <p id={`${id}-description`} className="text-xs text-zinc-500 dark:text-zinc-400">{description}</p> : null}
      {/* describedBy() points at the description: a field without one keeps an empty target, never a dangling reference */}
      {!description && !error ? <span id={`${id}-description`} hidden /> : null}
      {error ? (
        <p id={`${id}-error`} role="alert" className="text-xs text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** aria props tying a control to its field's description or error. */
export const describedBy = (id: string, error?: string) => ({
  id,
  'aria-invalid': error ? true : undefined,
  'aria-describedby': error ? `${id}-error` : `${id}-description`,
});

export const Input = forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement>>(function Input({ className, ...props }, ref) {
  return <input ref={ref} className={cn(control, className)} {...props} />;
});

export const Textarea = forwardRef<HTMLTextAreaElement, TextareaHTMLAttributes<HTMLTextAreaElement>>(function Textarea({ className, ...props }, ref) {
  return <textarea ref={ref} className={cn(control, 'font-mono', className)} {...props} />;
});

export const Select = forwardRef<HTMLSelectElement, SelectHTMLAttributes<HTMLSelectElement>>(function Select({ className, ...props }, ref) {
  return <select ref={ref} className={cn(control, className)} {...props} />;
});

export function useFieldId(name: string): string {
  return `${useId()}-${name}`;
}
