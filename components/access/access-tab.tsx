'use client';
// A service's Access tab (the upstream's database-access extension): each user's level in each database, read back
// from the catalogs, changed in place through a review of the statements it runs; and the URI to connect as a user
// to a database. Keys without `write` see the grid only.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { replicaLock } from '@/components/replicas/replica-of';
import { useCan } from '@/components/session/session-context';
import { Card, ErrorText } from '@/components/ui/card';
import { LEVEL_LABEL } from '@/lib/access/grid';
import { accessQuery } from '@/lib/queries/access';
import { serviceQuery } from '@/lib/queries/services';
import { ACCESS_LEVEL_MEANING, ACCESS_LEVELS, type AccessChange } from '@/lib/schemas/access';
import { AccessGrid } from './access-grid';
import { AccessReviewDialog } from './access-review-dialog';
import { UserUri } from './user-uri';

const muted = 'text-sm text-zinc-500 dark:text-zinc-400';

export function AccessTab({ name }: { name: string }) {
  const { data: service } = useQuery(serviceQuery(name));
  const { data, error, isPending } = useQuery(accessQuery(name));
  const canWrite = useCan('write');
  const [change, setChange] = useState<AccessChange | null>(null);
  // a read replica's users and grants are its source's
  const locked = replicaLock(service, 'users and their access');
  const editable = canWrite && service?.state === 'running' && !locked;

  return (
    <div className="space-y-4">
      <Card title="Database access">
        <p className={`${muted} mb-3`}>
          What each user may do in each database, read from PostgreSQL’s catalogs (grants made with SQL show too).
          {data ? ` The admin, ${data.admin}, keeps its own access.` : ''}
        </p>
        {service && canWrite && !editable ? <p className={`${muted} mb-2`}>{locked ?? 'Access can be changed once the service is running.'}</p> : null}
        <ErrorText error={error} />
        {isPending ? (
          <p aria-busy="true" className={muted}>
            Reading access…
          </p>
        ) : null}
        {data ? <AccessGrid name={name} view={data} editable={editable} pending={change} onChange={setChange} /> : null}
        <dl className="mt-4 grid gap-x-3 gap-y-1 text-xs text-zinc-600 sm:grid-cols-[max-content_1fr] dark:text-zinc-400">
          {ACCESS_LEVELS.map((l) => (
            <div key={l} className="contents">
              <dt className="font-medium text-zinc-800 dark:text-zinc-200">{LEVEL_LABEL[l]}</dt>
              <dd>{ACCESS_LEVEL_MEANING[l]}</dd>
            </div>
          ))}
          <div className="contents">
            <dt className="font-medium text-zinc-800 dark:text-zinc-200">+</dt>
            <dd>holds more than its level: grants on some tables only, made with SQL</dd>
          </div>
        </dl>
      </Card>
      {data && service?.uri && data.users.length && data.databases.length ? (
        <Card title="Connect as a user">
          <UserUri
            name={name}
            serviceUri={service.uri}
            // the users the grid is about first; the admin last
            users={[...data.users.filter((u) => u !== data.admin), data.admin]}
            databases={data.databases}
          />
        </Card>
      ) : null}
      {editable ? <AccessReviewDialog name={name} change={change} onClose={() => setChange(null)} /> : null}
    </div>
  );
}

// the service page loads it lazily, as its default export
export default AccessTab;
