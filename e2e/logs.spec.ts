// The logs tab, at 390 px: the lines PostgreSQL wrote, newest first, a line caused by the test arriving through the
// live tail, the tail paused and resumed, the filters by unit and text, and the lines around a time marked.
import type { ServiceLogs } from '../lib/schemas/logs';
import { expect, test } from './fixtures';

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

test('the live tail shows a line the test caused, pauses, resumes, and the filters narrow the lines', async ({ page, admin, signIn, engine, waitRunning, sql }) => {
  test.setTimeout(180_000);
  const name = unique('logs');
  expect((await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2' })).status).toBe(200);
  const svc = await waitRunning(name);
  const uri = svc.uri as string;

  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, admin);
  await page.goto(`/services/${name}?tab=logs`);
  const lines = page.getByRole('list', { name: `Log lines of ${name}` });
  // what PostgreSQL said as it started, and PgBouncer
  await expect(lines.getByRole('listitem').filter({ hasText: 'database system is ready to accept connections' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText(/Live: new lines appear at the top/)).toBeVisible();

  // an error PostgreSQL logs, caused now: it arrives at the top without a reload
  await sql(uri, 'SELECT 1 FROM e2e_tail_marker_one').catch(() => undefined);
  const first = lines.getByRole('listitem').filter({ hasText: 'relation "e2e_tail_marker_one" does not exist' });
  await expect(first).toBeVisible({ timeout: 20_000 });
  await expect(first).toContainText('postgresql');

  // paused: a new line waits; resumed: it comes
  await page.getByRole('button', { name: 'Pause live tail' }).click();
  await expect(page.getByText(/Live tail paused/)).toBeVisible();
  await sql(uri, 'SELECT 1 FROM e2e_tail_marker_two').catch(() => undefined);
  const second = lines.getByRole('listitem').filter({ hasText: 'e2e_tail_marker_two' }).first();
  await page.waitForTimeout(5000);
  await expect(second).toBeHidden();
  await page.getByRole('button', { name: 'Resume live tail' }).click();
  await expect(second).toBeVisible({ timeout: 20_000 });

  // filters: PgBouncer's lines only, then a text
  await page.getByLabel('Unit').selectOption('pgbouncer');
  await expect(first).toBeHidden();
  await expect(lines.getByRole('listitem').filter({ hasText: 'pgbouncer' }).first()).toBeVisible();
  await page.getByLabel('Unit').selectOption('');
  await page.getByLabel('Text').fill('e2e_tail_marker_one');
  await expect(first).toBeVisible();
  await expect(second).toBeHidden();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  // opened at a time (as a notification's time links it): the lines around it are marked, the tail paused
  const found = await engine('POST', `/dbaas-service-logs/${name}`, { limit: 500 });
  const line = (found.body as ServiceLogs).logs.find((l) => l.message.includes('e2e_tail_marker_one'));
  expect(line).toBeDefined();
  await page.goto(`/services/${name}?tab=logs&at=${encodeURIComponent(line?.time ?? '')}`);
  await expect(page.getByText(/^Marked: the lines within 5 s of/)).toBeVisible();
  await expect(page.getByText(/Live tail paused/)).toBeVisible();
  await expect(lines.locator('li[data-around="true"]').filter({ hasText: 'e2e_tail_marker_one' }).first()).toBeVisible({ timeout: 20_000 });
});
