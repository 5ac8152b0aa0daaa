'use client';
// The service's name while its page loads: the services list prefetches this loading state, so a click shows the
// heading at once and the rest streams in after. Marked data-loading: focus after navigation waits for the real one.
import { useParams } from 'next/navigation';
import { BackLink } from '@/components/ui/back-link';

export function LoadingServiceHeading() {
  const { name } = useParams<{ name: string }>();
  return (
    <div>
      <BackLink href="/services">Services</BackLink>
      <h1 data-loading="" className="mt-1 text-xl font-semibold break-all">
        {decodeURIComponent(name)}
      </h1>
    </div>
  );
}
