import type { Metadata } from 'next';
import Link from 'next/link';
import { QueryProvider } from '@/components/providers';
import { CreateServiceForm } from '@/components/services/create-service-form';

export const metadata: Metadata = { title: 'Create a service · pgdeck' };

export default function NewServicePage() {
  return (
    <div className="mx-auto max-w-4xl space-y-4">
      <Link href="/services" className="text-sm text-zinc-600 hover:underline focus-visible:outline-2 focus-visible:outline-blue-500 dark:text-zinc-300">
        ← Services
      </Link>
      <div>
        <h1 className="text-xl font-semibold">Create a service</h1>
        <p className="text-sm text-zinc-500 dark:text-zinc-400">A PostgreSQL server with a default database and an admin user.</p>
      </div>
      <QueryProvider>
        <CreateServiceForm />
      </QueryProvider>
    </div>
  );
}
