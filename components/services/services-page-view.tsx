'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { useCan } from '@/components/session/session-context';
import { StateBadge } from '@/components/ui/badge';
import { ErrorText } from '@/components/ui/card';
import { Input } from '@/components/ui/field';
import { servicesQuery } from '@/lib/queries/services';

export function ServicesPageView() {
  const { data, error, isPending } = useQuery(servicesQuery());
  const [filter, setFilter] = useState('');
  const canCreate = useCan('write');
  const services = (data ?? []).filter((s) => s.name.includes(filter.trim().toLowerCase()));

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold">Services</h1>
        <div className="ml-auto w-64">
          <label htmlFor="filter" className="sr-only">
            Filter by name
          </label>
          <Input id="filter" type="search" placeholder="Filter by name" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </div>
        {canCreate ? (
          <Link href="/services/new" className="rounded-md bg-blue-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-700">
            Create service
          </Link>
        ) : null}
      </div>
      <ErrorText error={error} />
      {isPending ? <p aria-busy="true" className="text-sm text-zinc-500">Loading services…</p> : null}
      {data && data.length === 0 ? (
        <div className="rounded-lg border border-dashed border-zinc-300 p-10 text-center dark:border-zinc-700">
          <p className="font-medium">No services yet</p>
          <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">A service is a PostgreSQL server with its databases and users.</p>
          {canCreate ? (
            <Link href="/services/new" className="mt-4 inline-block rounded-md bg-blue-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-700">
              Create your first service
            </Link>
          ) : (
            <p className="mt-4 text-sm">Your key is read-only: ask an operator or admin to create one.</p>
          )}
        </div>
      ) : null}
      {data && data.length > 0 ? (
        <table className="w-full text-left text-sm">
          <thead className="border-b border-zinc-200 text-xs uppercase text-zinc-500 dark:border-zinc-800">
            <tr>
              <th className="py-2">Name</th>
              <th>Plan</th>
              <th>Version</th>
              <th>State</th>
              <th>Nodes</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {services.map((s) => (
              <tr key={s.name} className="border-b border-zinc-100 dark:border-zinc-900">
                <td className="py-2">
                  <Link href={`/services/${s.name}`} className="font-medium text-blue-700 hover:underline dark:text-blue-400">
                    {s.name}
                  </Link>
                </td>
                <td>{s.plan}</td>
                <td>{s.version ?? '–'}</td>
                <td>
                  <StateBadge state={s.state} />
                </td>
                <td>{s['node-count'] ?? '–'}</td>
                <td>{s['created-at'] ? new Date(s['created-at']).toLocaleString() : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {data && data.length > 0 && services.length === 0 ? <p className="text-sm text-zinc-500">No service matches “{filter}”.</p> : null}
    </div>
  );
}
