// "← Services": the way back up, with a drawn arrow (not a character a font may lack).
import { ArrowLeft } from 'lucide-react';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { cn } from './cn';

const tones = {
  /** above a page's heading */
  muted: 'text-zinc-600 dark:text-zinc-300',
  /** the one way on, where a page has nothing else to show */
  link: 'font-medium text-blue-700 dark:text-blue-400',
};

export function BackLink({ href, tone = 'muted', className, children }: { href: string; tone?: keyof typeof tones; className?: string; children: ReactNode }) {
  return (
    <Link
      href={href}
      className={cn('inline-flex items-center gap-1 text-sm hover:underline focus-visible:outline-2 focus-visible:outline-blue-500', tones[tone], className)}
    >
      <ArrowLeft className="h-4 w-4 shrink-0" />
      {children}
    </Link>
  );
}
