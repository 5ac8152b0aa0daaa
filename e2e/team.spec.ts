// Team self-service (issue 16) against the real engine's /v2/pgdeck extensions: a grant made in the Access tab's grid
// after its review, proved by creating a table as that user with the URI the console shows; access given as a user
// and a database are created; an operator's password reset in the Activity page under the operator's key name, its
// body redacted, and without bodies for a viewer. axe finds nothing on the Access tab, its review or the Activity page.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import type { AccessView } from '../lib/schemas/access';
import { expect, test } from './fixtures';

/** A name no other test uses (and free of "create": sign-in.spec looks for create links). */
const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
const suffix = () => Math.random().toString(36).slice(2, 6);

async function noAxeViolations(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

const noSidewaysScroll = async (page: Page) => expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

test('read-write granted in the grid after reviewing its statements: the user creates a table with the URI the console shows', async ({ page, admin, signIn, engine, waitRunning, sql }) => {
  test.setTimeout(180_000);
  const name = unique('access');
  const user = `app_${suffix()}`;
  expect((await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2' })).status).toBe(200);
  await waitRunning(name);
  expect((await engine('POST', `/dbaas-postgres/${name}/user`, { username: user })).status).toBe(200);
  expect((await engine('POST', `/dbaas-postgres/${name}/database`, { 'database-name': 'orders' })).status).toBe(200);

  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, admin);
  await page.goto(`/services/${name}`);
  await page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name: 'Access' }).click();
  const grid = page.getByRole('table', { name: `Access of each user to each database of ${name}` });
  const cell = grid.getByRole('combobox', { name: `Access of ${user} to orders` });
  await expect(cell).toHaveValue('none');
  // the admin's row is read, not changed here
  await expect(grid.getByRole('combobox', { name: /^Access of avnadmin/ })).toHaveCount(0);
  await noSidewaysScroll(page);
  await noAxeViolations(page);

  // the URI the console shows for the user and the database, password revealed
  const connect = page.locator('section', { has: page.getByRole('heading', { name: 'Connect as a user' }) });
  await connect.getByLabel('User').selectOption(user);
  await connect.getByLabel('Database').selectOption('orders');
  await connect.getByRole('button', { name: 'Show password' }).click();
  const shown = connect.getByRole('code');
  await expect(shown).toHaveText(new RegExp(`^postgres://${user}:[^•@]+@127\\.0\\.0\\.1:\\d+/orders\\?sslmode=require$`));
  const uri = (await shown.textContent()) ?? '';
  // PostgreSQL 15 and later: a new user may not create in public
  await expect(sql(uri, 'CREATE TABLE e2e_before (id int)')).rejects.toThrow(/permission denied for schema public/);

  await cell.selectOption('read-write');
  const review = page.getByRole('dialog', { name: 'Review the change of access' });
  await expect(review).toContainText(`Give ${user} read-write access to orders`);
  const statements = review.getByRole('list', { name: 'Statements to run' }).getByRole('listitem');
  await expect(statements.filter({ hasText: `GRANT USAGE, CREATE ON SCHEMA "public" TO "${user}";` })).toHaveCount(1);
  await expect(statements.filter({ hasText: `GRANT CONNECT, TEMPORARY ON DATABASE "orders" TO "${user}";` })).toHaveCount(1);
  await noSidewaysScroll(page);
  await noAxeViolations(page);
  await review.getByRole('button', { name: 'Apply' }).click();
  await expect(review).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: `Give ${user} read-write access to orders` })).toBeVisible();
  // the grid, read again from the catalogs
  await expect(cell).toHaveValue('read-write');
  const read = (await engine<AccessView>('GET', `/pgdeck/dbaas-postgres/${name}/access`)).body;
  expect(read.access.find((a) => a.username === user && a.database === 'orders')).toEqual({ database: 'orders', username: user, level: 'read-write', partial: false });

  await sql(uri, 'CREATE TABLE e2e_made_by_app (id int)');
  await sql(uri, 'INSERT INTO e2e_made_by_app VALUES (1)');
  expect(await sql(uri, 'SELECT count(*)::int AS n FROM e2e_made_by_app')).toEqual([{ n: 1 }]);
});

test('access chosen in the create-user and create-database dialogs is given as they are created', async ({ page, admin, signIn, engine, waitRunning }) => {
  test.setTimeout(180_000);
  const name = unique('grants');
  const user = `writer_${suffix()}`;
  const database = `reports_${suffix()}`;
  expect((await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2' })).status).toBe(200);
  await waitRunning(name);
  const level = async (username: string, db: string) =>
    (await engine<AccessView>('GET', `/pgdeck/dbaas-postgres/${name}/access`)).body.access.find((a) => a.username === username && a.database === db)?.level;

  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, admin);
  await page.goto(`/services/${name}?tab=users`);
  await page.getByRole('button', { name: 'Create user' }).click();
  let dialog = page.getByRole('dialog', { name: 'Create user' });
  await dialog.getByLabel('Username').fill(user);
  await dialog.getByRole('group', { name: 'Access to databases' }).getByLabel('defaultdb').selectOption('read-write');
  // at 390 px the dialog fits, nothing in it wider than it (the users tab below is another matter)
  expect(await dialog.evaluate((d) => d.scrollWidth <= d.clientWidth && d.getBoundingClientRect().right <= 390)).toBe(true);
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await expect(dialog).toContainText(`Access given: read-write on defaultdb for ${user}.`);
  await dialog.getByRole('button', { name: 'Done' }).click();
  expect(await level(user, 'defaultdb')).toBe('read-write');

  await page.goto(`/services/${name}?tab=databases`);
  await page.getByRole('button', { name: 'Create database' }).click();
  dialog = page.getByRole('dialog', { name: 'Create database' });
  await dialog.getByLabel('Name', { exact: true }).fill(database);
  const giveAccess = dialog.getByRole('group', { name: 'Give access to' });
  // the admin keeps its own access: not offered
  await expect(giveAccess.getByRole('combobox')).toHaveCount(1);
  await giveAccess.getByLabel(user).selectOption('read');
  await dialog.getByRole('button', { name: 'Create database' }).click();
  await expect(dialog).toBeHidden();
  expect(await level(user, database)).toBe('read');

  await page.goto(`/services/${name}?tab=access`);
  const grid = page.getByRole('table', { name: `Access of each user to each database of ${name}` });
  await expect(grid.getByRole('combobox', { name: `Access of ${user} to ${database}` })).toHaveValue('read');
  await expect(grid.getByRole('combobox', { name: `Access of ${user} to defaultdb` })).toHaveValue('read-write');
});

test("an operator's password reset is in the activity under the operator's key name, its password redacted", async ({ page, browser, stack, signIn, newKey, engine, waitRunning }) => {
  test.setTimeout(180_000);
  const name = unique('audited');
  const user = `app_${suffix()}`;
  const typed = `Typed_${suffix()}_${suffix()}_pw`;
  expect((await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2' })).status).toBe(200);
  await waitRunning(name);
  expect((await engine('POST', `/dbaas-postgres/${name}/user`, { username: user })).status).toBe(200);
  const operator = await newKey('operator');

  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, operator);
  await page.goto(`/services/${name}?tab=users`);
  await page.getByRole('button', { name: `Reset password of ${user}` }).click();
  const dialog = page.getByRole('dialog', { name: `Reset password of ${user}` });
  await dialog.getByLabel('Type a new one').check();
  await dialog.getByLabel('Password', { exact: true }).fill(typed);
  await dialog.getByRole('button', { name: 'Reset password', exact: true }).click();
  await expect(dialog).toContainText('was reset');
  await dialog.getByRole('button', { name: 'Done' }).click();

  // the Activity page, from the header, filtered to the operator
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activity' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Activity' })).toBeVisible();
  await page.getByLabel('Person (API key name)').fill(operator.name);
  await page.getByLabel('Service').selectOption(name);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(new RegExp(`key=${operator.name}`));
  const list = page.getByRole('list', { name: 'Activity, newest first' });
  const entry = list.getByRole('listitem').filter({ hasText: `Reset password of ${user}` });
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText(operator.name);
  await expect(entry).toContainText('(operator)');
  await expect(entry).toContainText('200 · succeeded');
  await expect(entry.getByRole('link', { name: name })).toHaveAttribute('href', `/services/${name}`);
  // in the reader's zone, named, with UTC on hover
  await expect(entry.locator('time')).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+$/);
  await expect(entry.locator('time')).toHaveAttribute('title', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  await expect(entry.getByText('Reset password of', { exact: false }).first()).toHaveAttribute('title', 'PUT /v2/dbaas-postgres/:service/user/:username/password/reset');
  // every entry of the page is the operator's
  await expect(list.getByRole('listitem').filter({ hasNotText: operator.name })).toHaveCount(0);
  // signing in asked the engine for the key's rights (key-rights) instead of probing them with refused requests
  const own = await engine<{ activity: { route: string; service: string | null }[] }>('POST', '/pgdeck/activity', { key: operator.name });
  expect(own.body.activity.map((e) => `${e.route} ${e.service}`)).toEqual([`PUT /v2/dbaas-postgres/:service/user/:username/password/reset ${name}`]);
  await entry.getByText('Request details').click();
  const body = entry.locator('pre');
  await expect(body).toContainText('"password": "[redacted]"');
  expect(await page.content()).not.toContain(typed);
  await noSidewaysScroll(page);
  await noAxeViolations(page);

  // the service's own Activity tab lists it too
  await page.goto(`/services/${name}?tab=activity`);
  await expect(page.getByRole('list', { name: 'Activity, newest first' }).getByRole('listitem').filter({ hasText: `Reset password of ${user}` })).toContainText(operator.name);

  // a viewer reads the same entry, without its body
  const viewerContext = await browser.newContext({ baseURL: stack.consoleUrl });
  const viewerPage = await viewerContext.newPage();
  await signIn(viewerPage, await newKey('viewer'));
  await viewerPage.goto(`/activity?key=${operator.name}`);
  const seen = viewerPage.getByRole('list', { name: 'Activity, newest first' }).getByRole('listitem').filter({ hasText: `Reset password of ${user}` });
  await seen.getByText('Request details').click();
  await expect(seen).toContainText('Request bodies are not shown to read-only keys.');
  await expect(seen.locator('pre')).toHaveCount(0);
  await viewerContext.close();
});

test('the Activity page pages older entries with its cursor', async ({ page, admin, signIn, engine, waitRunning }) => {
  test.setTimeout(180_000);
  const name = unique('paged');
  expect((await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2' })).status).toBe(200);
  await waitRunning(name);
  // 55 changes of this service: more than a page (50)
  for (let i = 0; i < 55; i++) expect((await engine('PUT', `/dbaas-postgres/${name}`, { 'termination-protection': i % 2 === 0 })).status).toBe(200);

  await signIn(page, admin);
  await page.goto(`/activity?service=${name}`);
  const entries = page.getByRole('list', { name: 'Activity, newest first' }).getByRole('listitem');
  await expect(entries).toHaveCount(50);
  await expect(entries.first()).toContainText('Turned termination protection on');
  await page.getByRole('button', { name: 'Load older' }).click();
  // the 55 changes and the create, each once, oldest last
  await expect(entries).toHaveCount(56);
  await expect(entries.last()).toContainText(`Created service ${name}`);
  await expect(page.getByRole('button', { name: 'Load older' })).toHaveCount(0);
  await expect(page.getByText('No older activity.')).toBeVisible();
});
