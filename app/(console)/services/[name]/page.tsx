import { ServicePageView } from '@/components/services/service-page-view';
import { read, signedInPage } from '@/lib/server/page';
import { readService } from '@/lib/server/services';

export default async function Page({ params, searchParams }: { params: Promise<{ name: string }>; searchParams: Promise<{ tab?: string | string[] }> }) {
  const [{ name }, { tab }] = await Promise.all([params, searchParams]);
  const { session, upstream } = await signedInPage();
  const { data, error } = await read(readService(upstream, name));
  return <ServicePageView name={name} requested={typeof tab === 'string' ? tab : undefined} service={data} error={error} canWrite={session.rights.includes('write')} />;
}
