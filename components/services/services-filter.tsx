'use client';
// The services list's one interactive part: the filter by name, applied as
// typed to the rows and cards the server rendered.
import { useState, type ReactNode } from 'react';
import { Input } from '@/components/ui/field';
import { PageHeading } from '@/components/ui/page-heading';

export interface ServiceRow {
  name: string;
  /** the table's row, on a wide screen */
  row: ReactNode;
  /** the card, on a narrow one */
  card: ReactNode;
}

/** `head` heads the table; `actions` sit beside the heading; `children` show above the list (errors, the empty state). */
export function ServicesFilter({ rows, head, actions, children }: { rows: ServiceRow[]; head: ReactNode; actions: ReactNode; children: ReactNode }) {
  const [filter, setFilter] = useState('');
  const shown = rows.filter((r) => r.name.includes(filter.trim().toLowerCase()));
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <PageHeading className="mr-auto">Services</PageHeading>
        {/* under the heading on a narrow screen, beside it on a wide one */}
        <div className="order-last w-full sm:order-none sm:w-64">
          <label htmlFor="filter" className="sr-only">
            Filter by name
          </label>
          <Input id="filter" type="search" placeholder="Filter by name" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </div>
        {actions}
      </div>
      {children}
      {rows.length > 0 ? (
        <>
          <table className="hidden w-full text-left text-sm sm:table">
            {head}
            <tbody>{shown.map((r) => r.row)}</tbody>
          </table>
          <ul aria-label="Services" className="space-y-3 sm:hidden">
            {shown.map((r) => r.card)}
          </ul>
        </>
      ) : null}
      {rows.length > 0 && shown.length === 0 ? <p className="text-sm text-zinc-600 dark:text-zinc-400">No service matches “{filter}”.</p> : null}
    </div>
  );
}
