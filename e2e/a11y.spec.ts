// axe-core (@axe-core/playwright) on every page and every dialog a key that may write can open, in the light and
// the dark scheme (the console follows prefers-color-scheme): no violation, best practices included. And focus
// after a client-side navigation: on the new page's heading.
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { openTab, populatedService, serviceTabs, unique } from './console-pages';

/** The violations axe finds on the page (or in `within`), one line each: rule, count, where. */
async function violations(page: Page, within?: string): Promise<string[]> {
  const axe = new AxeBuilder({ page });
  if (within) axe.include(within);
  const { violations: found } = await axe.analyze();
  return found.map((v) => `${v.id} ×${v.nodes.length}: ${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}${n.failureSummary ? ` (${n.failureSummary.split('\n').slice(1, 2).join('').trim()})` : ''}`).join('; ')}`);
}

/** Checks the page (all of its problems listed, the test going on to the next page). */
async function check(page: Page, where: string): Promise<void> {
  expect.soft(await violations(page), where).toEqual([]);
}

/** Opens a dialog with `opener`, checks it, and closes it with Escape. */
async function checkDialog(page: Page, opener: Locator, title: string | RegExp): Promise<void> {
  await opener.click();
  const dialog = page.getByRole('dialog', { name: title });
  await expect(dialog).toBeVisible();
  // a dialog whose body loads (a check, the service types) is checked once it has
  await expect(dialog.locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 30_000 });
  expect.soft(await violations(page, 'dialog[open]'), `dialog ${title}`).toEqual([]);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
}

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} scheme`, () => {
    test.use({ colorScheme });

    test('sign-in (with a refusal shown) and a page that does not exist', async ({ page }) => {
      await page.goto('/sign-in');
      await check(page, 'sign-in');
      await button(page, 'Sign in').click();
      await expect(page.getByText('enter your API key')).toBeVisible();
      await check(page, 'sign-in refused');
      await page.goto('/no-such-page');
      await check(page, 'not found');
    });

    test('the list, the create form, and a service: each tab but Settings, and each of their dialogs', async ({ page, admin, signIn, engine, waitRunning }) => {
      test.setTimeout(300_000);
      const name = unique(`a11y-${colorScheme}`);
      await populatedService({ engine, waitRunning }, name);
      await signIn(page, admin);
      await expect(page.getByRole('link', { name, exact: true })).toBeVisible();
      await check(page, 'services list');
      await page.getByRole('searchbox', { name: 'Filter by name' }).fill('nothing-is-called-this');
      await check(page, 'services list, filtered to nothing');

      await page.goto('/services/new');
      await expect(page.getByRole('radio').first()).toBeVisible({ timeout: 30_000 });
      await check(page, 'create form');
      await button(page, 'Create service').click();
      await expect(page.getByLabel('Name', { exact: true })).toHaveAttribute('aria-invalid', 'true');
      await check(page, 'create form with its errors');

      await page.goto(`/services/${name}`);
      await check(page, 'overview');
      await checkDialog(page, page.getByRole('button', { name: 'Upgrade PostgreSQL…' }), `Upgrade ${name}`);
      await checkDialog(page, button(page, 'Create read replica'), 'Create read replica');
      await checkDialog(page, button(page, 'Change window…'), `Maintenance window of ${name}`);
      await checkDialog(page, button(page, 'Apply now'), `Apply maintenance to ${name} now?`);
      await checkDialog(page, button(page, 'Migrate data in…'), `Migrate data into ${name}`);

      for (const tab of serviceTabs.filter((t) => t !== 'Overview' && t !== 'Settings')) {
        await openTab(page, tab);
        await check(page, `tab ${tab}`);
      }
      await openTab(page, 'Databases');
      await checkDialog(page, button(page, 'Create database'), 'Create database');
      await checkDialog(page, page.getByRole('button', { name: 'Delete database orders' }), 'Delete database orders');
      await openTab(page, 'Users');
      await checkDialog(page, button(page, 'Create user'), 'Create user');
      await checkDialog(page, page.getByRole('button', { name: 'Reset password of reporting' }), 'Reset password of reporting');
      await checkDialog(page, page.getByRole('button', { name: 'Delete user reporting' }), 'Delete user reporting');
      await openTab(page, 'Pools');
      await checkDialog(page, button(page, 'Create pool'), 'Create pool');
      await checkDialog(page, page.getByRole('button', { name: 'Edit pool web' }), 'Edit pool web');
      await checkDialog(page, page.getByRole('button', { name: 'Delete pool web' }), 'Delete pool web');
      await openTab(page, 'Backups');
      await checkDialog(page, button(page, 'Restore to a new service'), `Restore ${name} to a new service`);

      await page.goto('/services/no-such-service');
      await check(page, 'service not found');

      // on a phone: the list as cards and the header's menu open
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto('/services');
      // the list streams in after its loading state: check the page, not the skeleton
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await check(page, 'services list at 390 px');
      await page.getByRole('button', { name: 'Menu' }).click();
      await expect(button(page, 'Sign out')).toBeVisible();
      await check(page, 'header menu open at 390 px');
    });

    // apart: the settings editor is being rebuilt (issue 15's settings part), and it was where axe found problems
    test('the settings editors: the Settings tab, the delete dialog, the create form’s advanced settings', async ({ page, admin, signIn, engine, waitRunning }) => {
      test.setTimeout(180_000);
      const name = unique(`a11y-set-${colorScheme}`);
      // settings set away from their defaults: the editor shows them with what undoes them
      const settings = { 'pg-settings': { max_locks_per_transaction: 128, autovacuum: { autovacuum_naptime: 45 } }, 'pgbouncer-settings': { server_idle_timeout: 300 } };
      expect((await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2', ...settings })).status).toBe(200);
      await waitRunning(name);
      // a change after the creation: the history has an entry to revert
      expect((await engine('PUT', `/dbaas-postgres/${name}`, { 'pgbouncer-settings': { server_idle_timeout: 400 } })).status).toBe(200);
      await waitRunning(name);
      await signIn(page, admin);
      await page.goto(`/services/${name}?tab=settings`);
      await expect(button(page, 'Delete service')).toBeVisible({ timeout: 30_000 });
      await expect(page.getByRole('list', { name: 'Settings changes, newest first' }).locator(':scope > li')).toHaveCount(2, { timeout: 30_000 });
      await check(page, 'tab Settings');
      // reverted: the editor's marks and the history's message
      await button(page, 'Revert to this').click();
      await expect(page.getByRole('region', { name: 'Save changes' })).toContainText('1 unsaved change');
      await check(page, 'tab Settings, a change reverted');
      await checkDialog(page, button(page, 'Delete service'), `Delete ${name}?`);
      await page.goto('/services/new');
      await page.getByText('Advanced settings').first().click();
      await expect(page.getByText('Loading…')).toHaveCount(0, { timeout: 30_000 });
      await check(page, 'create form, advanced settings open');
    });
  });
}

test('after a client-side navigation focus is on the new page’s heading', async ({ page, admin, signIn, engine, waitRunning }) => {
  const name = unique('focus');
  expect((await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2' })).status).toBe(200);
  await waitRunning(name);
  await signIn(page, admin);
  // signing in is a navigation too
  await expect(page.getByRole('heading', { level: 1, name: 'Services' })).toBeFocused();

  // a service opened from the list, with the keyboard
  await page.getByRole('link', { name, exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/services/${name}$`));
  await expect(page.getByRole('heading', { level: 1, name })).toBeFocused();

  // a tab, with the mouse
  await page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name: 'Users', exact: true }).click();
  await expect(page).toHaveURL(/\?tab=users$/);
  await expect(page.getByRole('heading', { level: 1, name })).toBeFocused();
  // the heading is where a screen reader starts, not a stop in the Tab order
  await expect(page.getByRole('heading', { level: 1, name })).toHaveAttribute('tabindex', '-1');

  // back to the list, from the back link, then with the browser's back button
  await page.getByRole('link', { name: 'Services', exact: true }).last().click();
  await expect(page).toHaveURL(/\/services$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Services' })).toBeFocused();
  await page.goBack();
  await expect(page).toHaveURL(/\?tab=users$/);
  await expect(page.getByRole('heading', { level: 1, name })).toBeFocused();

});
