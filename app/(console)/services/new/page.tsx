import type { Metadata } from 'next';
import { QueryProvider } from '@/components/providers';
import { CreateServiceForm } from '@/components/services/create-service-form';
import { BackLink } from '@/components/ui/back-link';
import { PageHeading } from '@/components/ui/page-heading';

export const metadata: Metadata = { title: 'Create a service · pgdeck' };

export default function NewServicePage() {
  return (
    <div className="mx-auto max-w-4xl space-y-4">
      <BackLink href="/services">Services</BackLink>
      <div>
        <PageHeading>Create a service</PageHeading>
        <p className="text-sm text-zinc-500 dark:text-zinc-400">A PostgreSQL server with a default database and an admin user.</p>
      </div>
      <QueryProvider>
        <CreateServiceForm />
      </QueryProvider>
    </div>
  );
}
