'use client';
// What a full page load does that a client-side navigation does not: focus starts at the top. After each
// navigation (a service opened, a tab, back to the list) focus moves to the new page's h1 (PageHeading), once it
// is rendered (a loading skeleton may come first), unless the reader has moved it meanwhile.
import { usePathname, useSearchParams } from 'next/navigation';
import { useEffect, useRef } from 'react';

/** How long a page may take to render its heading after the navigation. */
const WAIT_MS = 10_000;

export function FocusOnNavigation() {
  const route = `${usePathname()}?${useSearchParams().toString()}`;
  const loaded = useRef<string | null>(null);

  useEffect(() => {
    if (loaded.current === null || loaded.current === route) {
      // the first load: the browser put focus where a page load puts it
      loaded.current = route;
      return;
    }
    loaded.current = route;
    const from = document.activeElement;
    const focusHeading = (): boolean => {
      // not a loading state's (its h1 goes when the page comes)
      const heading = document.querySelector<HTMLElement>('main h1:not([data-loading])');
      if (!heading) return false;
      const now = document.activeElement;
      // still on what started the navigation (or on nothing, when that went with the old page)
      if (!now || now === document.body || now === from) heading.focus({ preventScroll: true });
      return true;
    };
    if (focusHeading()) return;
    const watch = new MutationObserver(() => focusHeading() && watch.disconnect());
    watch.observe(document.body, { childList: true, subtree: true });
    const giveUp = setTimeout(() => watch.disconnect(), WAIT_MS);
    return () => {
      watch.disconnect();
      clearTimeout(giveUp);
    };
  }, [route]);
  return null;
}
