import { cn } from './cn';

/** A turning ring beside a text that says what is going on (the text is what is read out). */
export function Spinner({ className }: { className?: string }) {
  return <span aria-hidden="true" className={cn('inline-block h-4 w-4 shrink-0 animate-spin rounded-full border-2 border-zinc-300 border-t-blue-600 motion-reduce:animate-none dark:border-zinc-600 dark:border-t-blue-400', className)} />;
}
