// The activity's filters: a plain GET form, so a filtered view is a link and works before any script runs. Times are
// UTC, as the entries show them. Used by the Activity page (rendered on the server) and a service's Activity tab.
import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { Field, Input, Select } from '@/components/ui/field';
import { filtered, type ActivityFilterValues } from '@/lib/activity/filters';

interface Props {
  /** Where the form goes: the page it is on. */
  action: string;
  values: ActivityFilterValues;
  /** Query parameters the page needs kept (the service page's `tab`). */
  hidden?: Record<string, string>;
  /** Key names to suggest (those seen on the page). */
  people: string[];
  /** The services to choose from; absent: no service filter (a service's own tab). */
  services?: string[];
}

export function ActivityFilters({ action, values, hidden = {}, people, services }: Props) {
  const clear = `${action}${Object.keys(hidden).length ? `?${new URLSearchParams(hidden)}` : ''}`;
  return (
    <form method="get" action={action} aria-label="Filter activity" className="space-y-3">
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <div className={`grid gap-3 sm:grid-cols-2 ${services ? 'lg:grid-cols-4' : 'lg:grid-cols-3'}`}>
        <Field id="activity-key" label="Person (API key name)">
          <Input id="activity-key" name="key" defaultValue={values.key} list="activity-people" autoComplete="off" spellCheck={false} placeholder="Anyone" />
          <datalist id="activity-people">
            {people.map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
        </Field>
        {services ? (
          <Field id="activity-service" label="Service">
            <Select id="activity-service" name="service" defaultValue={values.service}>
              <option value="">All services</option>
              {/* a service filtered on that is gone stays choosable */}
              {[...new Set([...services, ...(values.service ? [values.service] : [])])].map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </Select>
          </Field>
        ) : null}
        <Field id="activity-since" label="From (UTC)">
          <Input id="activity-since" name="since" type="datetime-local" step={1} defaultValue={values.since} />
        </Field>
        <Field id="activity-until" label="Until (UTC)">
          <Input id="activity-until" name="until" type="datetime-local" step={1} defaultValue={values.until} />
        </Field>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant="secondary">
          Apply filters
        </Button>
        {filtered(values) ? (
          <Link href={clear} className="text-sm text-blue-700 hover:underline dark:text-blue-400">
            Clear filters
          </Link>
        ) : null}
      </div>
    </form>
  );
}
