// The Activity page: every change made through the API with the signed-in key's upstream, who made it and how it
// ended, filtered by person, service and time. Rendered on the server; the list pages older entries in the browser.
import { Card, ErrorText } from '@/components/ui/card';
import { PageHeading } from '@/components/ui/page-heading';
import { peopleOf, type ActivityFilterValues } from '@/lib/activity/filters';
import type { DescribedPage } from '@/lib/activity/describe';
import type { ActivityRequest } from '@/lib/schemas/activity';
import { ActivityFeed } from './activity-feed';
import { ActivityFilters } from './activity-filters';

interface Props {
  values: ActivityFilterValues;
  request: ActivityRequest;
  page?: DescribedPage;
  error?: { message: string };
  services: string[];
}

export function ActivityPageView({ values, request, page, error, services }: Props) {
  return (
    <div className="space-y-4">
      <div>
        <PageHeading>Activity</PageHeading>
        <p className="text-sm text-zinc-500 dark:text-zinc-400">
          Every change made through the API: who made it (the API key’s name and role), when, and how it ended. Passwords and secrets in request
          bodies are replaced by [redacted].
        </p>
      </div>
      <Card>
        <ActivityFilters action="/activity" values={values} people={peopleOf(page)} services={services} />
      </Card>
      <ErrorText error={error} />
      {page ? (
        <Card title="Changes">
          <ActivityFeed key={JSON.stringify(request)} first={page} request={request} showService />
        </Card>
      ) : null}
    </div>
  );
}
