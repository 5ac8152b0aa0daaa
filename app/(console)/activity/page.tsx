import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ActivityPageView } from '@/components/activity/activity-page-view';
import { activityFilters } from '@/lib/activity/filters';
import { readActivity } from '@/lib/server/activity';
import { upstreamExtensions } from '@/lib/server/extensions';
import { read, signedInPage } from '@/lib/server/page';
import { listServices } from '@/lib/server/services';

export const metadata: Metadata = { title: 'Activity · pgdeck' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ActivityRoute({ searchParams }: Props) {
  const { session, upstream } = await signedInPage();
  // an upstream without the extension (a public zone) has no such page
  if (!(await upstreamExtensions(upstream, session.baseUrl)).includes('activity')) notFound();
  const { values, request } = activityFilters(await searchParams);
  const [activity, services] = await Promise.all([read(readActivity(upstream, request)), read(listServices(upstream))]);
  return (
    <ActivityPageView
      values={values}
      request={request}
      page={activity.data}
      error={activity.error}
      services={(services.data ?? []).map((s) => s.name).sort()}
    />
  );
}
