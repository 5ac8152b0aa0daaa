import { replicasOf } from '@/components/replicas/replica-of';
import { ServicePageView } from '@/components/services/service-page-view';
import { readMigration } from '@/lib/server/migration';
import { upstreamExtensions } from '@/lib/server/extensions';
import { read, signedInPage } from '@/lib/server/page';
import { readFirstNodes, readService } from '@/lib/server/services';

type Props = { params: Promise<{ name: string }>; searchParams: Promise<{ tab?: string | string[]; at?: string | string[] }> };

export default async function ServicePage({ params, searchParams }: Props) {
  const [{ name }, { tab, at }] = await Promise.all([params, searchParams]);
  const { session, upstream } = await signedInPage();
  const requested = typeof tab === 'string' ? tab : undefined;
  const [{ data, error }, migration, extensions] = await Promise.all([
    read(readService(upstream, name)),
    read(readMigration(upstream, name)),
    upstreamExtensions(upstream, session.baseUrl),
  ]);
  // the replicas' lag is on their own node: one read each
  const replicaNodes = await readFirstNodes(upstream, replicasOf(data).map((r) => r.dest));
  return (
    <ServicePageView
      name={name}
      requested={requested}
      service={data}
      error={error}
      migration={migration}
      replicaNodes={replicaNodes}
      canWrite={session.rights.includes('write')}
      extensions={extensions}
      around={typeof at === 'string' && !Number.isNaN(Date.parse(at)) ? at : undefined}
    />
  );
}
