// The Queries tab (the engine's /v2/pgdeck query-statistics extension), at 390 px: a workload's statement listed
// with its calls, the order changed from a column header.
import { expect, test } from './fixtures';

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

test('the top statements of a workload, sorted by calls from the header', async ({ page, admin, signIn, engine, waitRunning, sql }) => {
  test.setTimeout(180_000);
  const name = unique('qs');
  expect((await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2' })).status).toBe(200);
  const svc = await waitRunning(name);
  const uri = svc.uri as string;
  await sql(uri, 'CREATE TABLE e2e_orders (id int)');
  for (let i = 0; i < 30; i++) await sql(uri, `INSERT INTO e2e_orders VALUES (${i})`);

  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, admin);
  await page.goto(`/services/${name}`);
  await page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name: 'Queries' }).click();
  const table = page.getByRole('table', { name: /Top statements of/ });
  await page.getByRole('button', { name: 'Calls' }).click();
  await expect(page.getByRole('table', { name: `Top statements of ${name}, by calls` })).toBeVisible();
  const row = table.getByRole('row').filter({ hasText: 'INSERT INTO e2e_orders VALUES ($1)' });
  await expect(row).toBeVisible({ timeout: 20_000 });
  await expect(row.getByRole('cell').nth(1)).toHaveText('30');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});
