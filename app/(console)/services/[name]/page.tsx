import { Suspense } from 'react';
import { ServicePageView } from '@/components/services/service-page-view';
import ServiceLoading from './loading';

export default async function Page({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  // The view reads ?tab= with useSearchParams, which needs a Suspense boundary.
  return (
    <Suspense fallback={<ServiceLoading />}>
      <ServicePageView name={name} />
    </Suspense>
  );
}
