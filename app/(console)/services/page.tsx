import { ServicesPageView } from '@/components/services/services-page-view';
import { read, signedInPage } from '@/lib/server/page';
import { listServices } from '@/lib/server/services';

export default async function ServicesPage() {
  const { session, upstream } = await signedInPage();
  const { data, error } = await read(listServices(upstream));
  return <ServicesPageView services={data ?? []} error={error?.message} canCreate={session.rights.includes('write')} />;
}
