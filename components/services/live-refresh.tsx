'use client';
// Keeps a page rendered on the server current: it is rendered again every
// `every` ms (fast while a service is on its way somewhere) while the page is
// in view, and when the window regains focus. Client state (a filter, a
// revealed password) is kept.
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

export function LiveRefresh({ every }: { every: number }) {
  const router = useRouter();
  useEffect(() => {
    const refresh = () => document.visibilityState === 'visible' && router.refresh();
    const timer = setInterval(refresh, every);
    window.addEventListener('focus', refresh);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', refresh);
    };
  }, [router, every]);
  return null;
}
