'use client';
// A list that scrolls sideways where it is wider than its box (a service's tabs on a phone) rather than widen the
// page, its current item (aria-current) kept in view: on load and each time it renders again (a navigation).
import { useEffect, useRef, type ReactNode } from 'react';
import { cn } from './cn';

export function SidewaysList({ className, children }: { className?: string; children: ReactNode }) {
  const list = useRef<HTMLUListElement>(null);
  useEffect(() => {
    const bar = list.current;
    const current = bar?.querySelector<HTMLElement>('[aria-current]');
    if (!bar || !current) return;
    // the list is the item's offsetParent (positioned); only the list scrolls, never the page
    const left = current.offsetLeft;
    if (left < bar.scrollLeft) bar.scrollLeft = left;
    else if (left + current.offsetWidth > bar.scrollLeft + bar.clientWidth) bar.scrollLeft = left + current.offsetWidth - bar.clientWidth;
  });
  return (
    <ul ref={list} className={cn('relative flex overflow-x-auto [scrollbar-width:thin]', className)}>
      {children}
    </ul>
  );
}
