import { ServicesPageView } from '@/components/services/services-page-view';
import { read, signedInPage } from '@/lib/server/page';
import { listServices, readHealth } from '@/lib/server/services';

export default async function ServicesPage() {
  const { session, upstream } = await signedInPage();
  const { data, error } = await read(listServices(upstream));
  // running services only: one that is being made or rebuilt has no fresh sample to show
  const health = await readHealth(upstream, (data ?? []).filter((s) => s.state === 'running').map((s) => s.name));
  return <ServicesPageView services={data ?? []} health={health} error={error?.message} canCreate={session.rights.includes('write')} />;
}
