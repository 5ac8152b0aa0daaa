// The activity's filters as the URL carries them (`?key=&service=&since=&until=`, times as a datetime-local input
// gives them, read as UTC) and as the API takes them. Shared by the Activity page (read on the server) and a
// service's Activity tab (read in the browser), so a filtered view is a link either way.
import type { ActivityRequest } from '@/lib/schemas/activity';
import type { DescribedPage } from './describe';

export const ACTIVITY_PAGE_SIZE = 50;

export interface ActivityFilterValues {
  key: string;
  service: string;
  /** `2026-12-03T10:00`, UTC, as the form's input shows it. */
  since: string;
  until: string;
}

type Search = Record<string, string | string[] | undefined>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() ?? '';

/** A form's time (no zone: UTC; a zone given is kept) as ISO 8601, or undefined when it is none. */
export function utcTime(value: string): string | undefined {
  if (!value) return undefined;
  const zoned = /(?:Z|[+-]\d\d:?\d\d)$/i.test(value);
  const t = Date.parse(zoned ? value : `${value}Z`);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** The filters a URL's search asks for: as the form shows them, and as the API's request. */
export function activityFilters(search: Search): { values: ActivityFilterValues; request: ActivityRequest } {
  const values = { key: first(search.key), service: first(search.service), since: first(search.since), until: first(search.until) };
  const since = utcTime(values.since);
  const until = utcTime(values.until);
  return {
    values,
    request: {
      limit: ACTIVITY_PAGE_SIZE,
      ...(values.key ? { key: values.key } : {}),
      ...(values.service ? { service: values.service } : {}),
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
    },
  };
}

/** Whether any filter is set (then the page offers to clear them). */
export const filtered = (v: ActivityFilterValues) => Boolean(v.key || v.service || v.since || v.until);

/** The key names a page shows, for the person filter's suggestions. */
export const peopleOf = (page?: DescribedPage) => [...new Set((page?.activity ?? []).map((e) => e.key.name))].sort();
