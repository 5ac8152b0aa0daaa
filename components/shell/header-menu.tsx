'use client';
// The header's account part (the key, its endpoint, Sign out): in the header's row on a wide screen, behind a
// Menu button on a narrow one. A disclosure: the button says whether it is open (aria-expanded); opening moves
// focus to the menu's first control; Escape closes it and gives focus back to the button; a click elsewhere,
// focus leaving it, or a navigation closes it.
import { Menu, X } from 'lucide-react';
import { usePathname } from 'next/navigation';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { cn } from '@/components/ui/cn';

export function HeaderMenu({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const id = useId();
  const pathname = usePathname();
  const [openedOn, setOpenedOn] = useState(pathname);
  if (openedOn !== pathname) {
    setOpenedOn(pathname);
    setOpen(false);
  }

  useEffect(() => {
    if (!open) return;
    panel.current?.querySelector<HTMLElement>('a[href], button:not([disabled])')?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    const onPointer = (e: PointerEvent) => {
      const target = e.target as Node;
      if (!panel.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  return (
    <>
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
        className="ml-auto inline-flex items-center gap-1.5 rounded-md px-2 py-1.5 text-sm font-medium hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-500 sm:hidden dark:hover:bg-zinc-800"
      >
        {open ? <X className="h-5 w-5" /> : <Menu className="h-5 w-5" />}
        Menu
      </button>
      <div
        ref={panel}
        id={id}
        onBlur={(e) => {
          const to = e.relatedTarget as Node | null;
          if (to && !panel.current?.contains(to) && to !== button.current) setOpen(false);
        }}
        className={cn(
          open ? 'flex' : 'hidden',
          // narrow: a panel under the header, one item a line
          'absolute inset-x-0 top-full z-40 flex-col items-start gap-3 border-b border-zinc-200 bg-white p-4 shadow-lg dark:border-zinc-800 dark:bg-zinc-950',
          // wide: the rest of the header's row
          'sm:static sm:z-auto sm:ml-auto sm:flex sm:min-w-0 sm:flex-row sm:items-center sm:gap-4 sm:border-0 sm:bg-transparent sm:p-0 sm:shadow-none sm:dark:bg-transparent',
        )}
      >
        {children}
      </div>
    </>
  );
}
