// Times in the browser's time zone, named, with UTC on hover. The server renders UTC (it knows no reader's
// zone) and the browser switches to its own after hydration, with no hydration error.
import { expect, test } from './fixtures';
import { unique } from './console-pages';
import type { ServicePg } from '../lib/schemas/service';
import { formatUtc, formatZoned } from '../lib/time';

test.use({ timezoneId: 'Europe/Paris', locale: 'en-GB' });

test('times read in Paris (CET or CEST) with UTC on hover; the server’s UTC hydrates without a mismatch', async ({ page, admin, signIn, engine }) => {
  const name = unique('zone');
  expect((await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2' })).status).toBe(200);
  const created = (await engine<ServicePg>('GET', `/dbaas-postgres/${name}`)).body['created-at'];
  const inParis = formatZoned(created, 'minute', 'Europe/Paris', 'en-GB');
  expect(inParis).toMatch(/ CES?T$/);

  const reactErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && /hydrat|Minified React error/i.test(m.text()) && reactErrors.push(m.text()));
  page.on('pageerror', (e) => reactErrors.push(e.message));
  await signIn(page, admin);

  // what the server sends: UTC
  const html = await (await page.request.get('/services')).text();
  expect(html).toContain(formatUtc(created));
  expect(html).not.toContain(inParis);

  // a load of the list and of the service page: the reader's zone once hydrated, UTC on hover
  for (const [url, time] of [
    ['/services', page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) }).locator('time')],
    [`/services/${name}`, page.locator('dt:text-is("Created") + dd time')],
  ] as const) {
    await page.goto(url);
    await expect(time).toHaveText(inParis);
    await expect(time).toHaveAttribute('title', formatUtc(created));
    await expect(time).toHaveAttribute('datetime', new Date(created as string).toISOString());
  }
  expect(reactErrors).toEqual([]);
});
