import type { ButtonHTMLAttributes } from 'react';
import { cn } from './cn';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost' | 'ghost-danger' | 'link';

const variants: Record<Variant, string> = {
  primary: 'bg-blue-600 text-white hover:bg-blue-700 disabled:bg-blue-600/50',
  secondary: 'border border-zinc-300 bg-white hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800',
  danger: 'bg-red-600 text-white hover:bg-red-700 disabled:bg-red-600/50',
  ghost: 'hover:bg-zinc-100 dark:hover:bg-zinc-800',
  /** a destructive action in a row: red text, no fill */
  'ghost-danger': 'text-red-700 hover:bg-red-50 dark:text-red-400 dark:hover:bg-zinc-800',
  /** an action inside a line of text ("Upgrade…" beside a version): no box */
  link: 'text-blue-700 hover:underline dark:text-blue-400',
};

export function Button({ variant = 'primary', className, type = 'button', ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  return (
    <button
      type={type}
      className={cn(
        'inline-flex items-center justify-center gap-1 rounded-md text-sm font-medium transition-colors disabled:opacity-50',
        variant === 'link' ? '' : 'px-3 py-1.5',
        'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-500 disabled:cursor-not-allowed',
        variants[variant],
        className,
      )}
      {...props}
    />
  );
}
