import type { ReactNode } from 'react';
import { cn } from './cn';

const sizes = { lg: 'text-lg', xl: 'text-xl', '2xl': 'text-2xl' };

/**
 * A page's h1. Focusable from script only (tabIndex -1): after a client-side navigation focus moves to it
 * (components/shell/focus-on-navigation.tsx), where a full page load would have started a screen reader.
 */
export function PageHeading({ size = 'xl', className, children }: { size?: keyof typeof sizes; className?: string; children: ReactNode }) {
  return (
    <h1 tabIndex={-1} className={cn(sizes[size], 'font-semibold focus:outline-none focus-visible:underline focus-visible:decoration-blue-500 focus-visible:decoration-2 focus-visible:underline-offset-4', className)}>
      {children}
    </h1>
  );
}
