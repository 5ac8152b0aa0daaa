import { ServicePageView } from '@/components/services/service-page-view';
import { read, signedInPage } from '@/lib/server/page';
import { readService } from '@/lib/server/services';

type Props = { params: Promise<{ name: string }>; searchParams: Promise<{ tab?: string | string[] }> };

export default async function ServicePage({ params, searchParams }: Props) {
  const [{ name }, { tab }] = await Promise.all([params, searchParams]);
  const { session, upstream } = await signedInPage();
  const { data, error } = await read(readService(upstream, name));
  const requested = typeof tab === 'string' ? tab : undefined;
  return <ServicePageView name={name} requested={requested} service={data} error={error} canWrite={session.rights.includes('write')} />;
}
