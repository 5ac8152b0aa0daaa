'use client';
// A service's Activity tab: the activity list filtered to the service, by person and time from the URL
// (`?tab=activity&key=…`), so a filtered view is a link as on the Activity page.
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { Card, ErrorText } from '@/components/ui/card';
import type { DescribedPage } from '@/lib/activity/describe';
import { activityFilters, peopleOf } from '@/lib/activity/filters';
import { api } from '@/lib/queries/api';
import { serviceKeys } from '@/lib/queries/keys';
import { ActivityFeed } from './activity-feed';
import { ActivityFilters } from './activity-filters';

export function ActivityTab({ name }: { name: string }) {
  const search = useSearchParams();
  const { values, request: filters } = activityFilters(Object.fromEntries(['key', 'since', 'until'].map((k) => [k, search.get(k) ?? undefined])));
  const request = { ...filters, service: name };
  const { data, error, isPending } = useQuery({
    queryKey: serviceKeys.activity(name, request),
    queryFn: () => api<DescribedPage>('POST', '/activity', request),
  });

  return (
    <Card title="Activity">
      <div className="space-y-4">
        <ActivityFilters action={`/services/${encodeURIComponent(name)}`} hidden={{ tab: 'activity' }} values={values} people={peopleOf(data)} />
        <ErrorText error={error} />
        {isPending ? (
          <p aria-busy="true" className="text-sm text-zinc-500 dark:text-zinc-400">
            Loading activity…
          </p>
        ) : null}
        {/* a refreshed first page (after a change here) starts the paging again */}
        {data ? <ActivityFeed key={`${JSON.stringify(request)}-${data.activity[0]?.id}`} first={data} request={request} showService={false} /> : null}
      </div>
    </Card>
  );
}

// the service page loads it lazily, as its default export
export default ActivityTab;
