// The Metrics tab at 390 px: after a workload, charts with data for the hour (the engine samples every 2 s in
// the e2e stack), the transactions chart among them with its node's line, the day period from its buckets, and
// the services list's health summary.
import { expect, test } from './fixtures';

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

test('charts render with data after a load, for the hour and for the day', async ({ page, admin, signIn, engine, waitRunning, sql }) => {
  test.setTimeout(180_000);
  const name = unique('mx');
  expect((await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2' })).status).toBe(200);
  const svc = await waitRunning(name);
  await sql(svc.uri as string, 'CREATE TABLE load AS SELECT g AS id FROM generate_series(1, 50000) g');
  for (let i = 0; i < 20; i++) await sql(svc.uri as string, `UPDATE load SET id = id + 1 WHERE id % 100 = ${i}`);

  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, admin);
  await page.goto(`/services/${name}?tab=metrics`);
  const tps = page.getByRole('figure', { name: 'Transactions per second' });
  await expect(tps).toBeVisible({ timeout: 30_000 });
  await expect(tps.locator('canvas')).toBeVisible();
  // the legend names the node's line
  await expect(tps.locator('.u-legend')).toContainText(`${name}-1`);
  await expect(page.getByRole('figure', { name: /^CPU usage/ })).toBeVisible();
  await expect(page.getByRole('figure', { name: 'Connections', exact: true })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  await page.getByRole('group', { name: 'Period' }).getByRole('button', { name: 'Day' }).click();
  await expect(page.getByRole('group', { name: 'Period' }).getByRole('button', { name: 'Day' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('figure', { name: 'Transactions per second' }).locator('canvas')).toBeVisible({ timeout: 30_000 });

  // the services list (a card per service at 390 px): a health summary per running service, from its latest sample
  await page.goto('/services');
  const card = page.getByRole('list', { name: 'Services' }).getByRole('listitem').filter({ has: page.getByRole('link', { name, exact: true }) });
  await expect(card).toContainText(/\d+ conn \(\d+ %\) · [\d.]+ (bytes|KiB|MiB|GiB) disk/);
});
