import type { Metadata } from 'next';
import { QueryProvider } from '@/components/providers';
import { CreateServiceForm } from '@/components/services/create-service-form';
import { BackLink } from '@/components/ui/back-link';
import { PageHeading } from '@/components/ui/page-heading';
import { read, signedInPage } from '@/lib/server/page';
import { readServiceType } from '@/lib/server/services';

export const metadata: Metadata = { title: 'Create a service · pgdeck' };

export default async function NewServicePage() {
  const { session, upstream } = await signedInPage();
  // the plans and versions, read here rather than in the browser (no zod in the form's first load); a read-only key is told it cannot create
  const type = session.rights.includes('write') ? await read(readServiceType(upstream)) : undefined;
  return (
    <div className="mx-auto max-w-4xl space-y-4">
      <BackLink href="/services">Services</BackLink>
      <div>
        <PageHeading>Create a service</PageHeading>
        <p className="text-sm text-zinc-500 dark:text-zinc-400">A PostgreSQL server with a default database and an admin user.</p>
      </div>
      <QueryProvider>
        <CreateServiceForm type={type?.data} error={type?.error?.message} />
      </QueryProvider>
    </div>
  );
}
