'use client';
// The services list's one interactive part: the filter by name, applied as
// typed to the rows the server rendered.
import { useState, type ReactNode } from 'react';
import { Input } from '@/components/ui/field';

export interface ServiceRow {
  name: string;
  row: ReactNode;
}

/** `head` heads the table; `actions` sit beside the filter; `children` show above the table (errors, the empty state). */
export function ServicesFilter({ rows, head, actions, children }: { rows: ServiceRow[]; head: ReactNode; actions: ReactNode; children: ReactNode }) {
  const [filter, setFilter] = useState('');
  const shown = rows.filter((r) => r.name.includes(filter.trim().toLowerCase()));
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
        {actions}
      </div>
      {children}
      {rows.length > 0 ? (
        <table className="w-full text-left text-sm">
          {head}
          <tbody>{shown.map((r) => r.row)}</tbody>
        </table>
      ) : null}
      {rows.length > 0 && shown.length === 0 ? <p className="text-sm text-zinc-500">No service matches “{filter}”.</p> : null}
    </div>
  );
}
