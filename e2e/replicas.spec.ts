// Read replicas in the console, at 390 px: "Create read replica" on a service
// (one-node plans only, and what the replica will be), the replica listed on
// its source's card until it streams with its lag; on the replica's page the
// banner, users that cannot be changed there, and "Promote to standalone"
// behind a confirmation, after which neither page shows a replica.
import type { Page } from '@playwright/test';
import type { ServicePg } from '../lib/schemas/service';
import { expect, test } from './fixtures';

/** A name no other test uses (and free of "create": sign-in.spec looks for create links). */
const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

const card = (page: Page, title: string) => page.locator('section').filter({ has: page.getByRole('heading', { name: title, exact: true }) });
const fitsWidth = async (page: Page) => expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

test('a read replica created in the console streams with its lag shown, then is promoted to a standalone service', async ({ page, admin, signIn, engine, waitRunning }) => {
  test.setTimeout(300_000);
  const source = unique('src');
  const replica = unique('rr');
  expect((await engine('POST', `/dbaas-postgres/${source}`, { plan: 'hobbyist-2' })).status).toBe(200);
  await waitRunning(source);

  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, admin);
  await page.goto(`/services/${source}`);
  const replicas = card(page, 'Read replicas');
  await expect(replicas).toContainText('None.');
  await replicas.getByRole('button', { name: 'Create read replica' }).click();

  const dialog = page.getByRole('dialog', { name: 'Create read replica' });
  const plan = dialog.getByLabel('Plan');
  await expect(plan).toBeVisible();
  // one-node plans only: no business or premium plan is offered
  const offered = await plan.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(offered).toContain('hobbyist-2');
  expect(offered.filter((p) => /^(business|premium)-/.test(p))).toEqual([]);
  await expect(plan).toHaveValue('hobbyist-2');
  await expect(dialog).toContainText(`Streams from ${source}; serves reads only; promote it to make it standalone.`);
  await dialog.getByLabel('Name').fill(replica);
  await fitsWidth(page);
  await dialog.getByRole('button', { name: 'Create read replica' }).click();
  await expect(dialog).toBeHidden();

  // listed on the source's card at once, streaming once built, with the lag read from the replica's node
  const item = page.getByRole('list', { name: `Read replicas of ${source}` }).getByRole('listitem').filter({ hasText: replica });
  await expect(item).toBeVisible({ timeout: 30_000 });
  await expect(item).toContainText('Status: streaming', { timeout: 180_000 });
  await expect(item).toContainText(/Lag: \d[\d.]* (bytes|KiB|MiB|GiB), \d[\d.]* s/, { timeout: 30_000 });
  await fitsWidth(page);

  await item.getByRole('link', { name: replica }).click();
  await expect(page).toHaveURL(new RegExp(`/services/${replica}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(replica);
  const banner = page.getByRole('note').filter({ hasText: `Read replica of ${source}` });
  await expect(banner).toBeVisible();
  await expect(page.getByRole('list', { name: 'Nodes' })).toContainText('Role: read replica');
  await fitsWidth(page);

  // its users are the source's: nothing to change here, and it says why
  await page.getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('button', { name: 'Create user' })).toBeDisabled();
  await expect(page.getByText(`${replica} is a read replica of ${source}: its users are ${source}'s. Change them on ${source}.`)).toBeVisible();

  await page.getByRole('link', { name: 'Overview' }).click();
  await page.getByRole('button', { name: 'Promote to standalone' }).click();
  const confirm = page.getByRole('dialog', { name: `Promote ${replica} to standalone?` });
  await expect(confirm).toContainText(`stops following ${source} for good`);
  await expect(confirm).toContainText('becomes writable');
  await expect(confirm).toContainText('its own backups');
  await fitsWidth(page);
  await confirm.getByRole('button', { name: 'Promote to standalone' }).click();

  // the page renders again when the promotion ends: no banner, a master of its own
  await expect(banner).toHaveCount(0, { timeout: 90_000 });
  await expect(page.getByText(`read replica of ${source}`, { exact: true })).toHaveCount(0);
  await expect(page.getByRole('list', { name: 'Nodes' })).toContainText('Role: master');
  await expect(card(page, 'Read replicas')).toContainText('None.');
  const { body } = await engine<ServicePg>('GET', `/dbaas-postgres/${replica}`);
  expect(body.integrations ?? []).toEqual([]);

  await page.goto(`/services/${source}`);
  await expect(card(page, 'Read replicas')).toContainText('None.');
  await expect(page.getByRole('list', { name: `Read replicas of ${source}` })).toHaveCount(0);
});
