// Every page on a phone (390 x 844, touch): nothing wider than the screen, on every page and every tab of a
// service; the services list as cards; the header's account part behind a Menu button (opened, closed with
// Escape, signing out from it); a service's tabs scroll sideways, the current one in view.
import { expect, test } from './fixtures';
import { expectNoSidewaysScroll, openTab, populatedService, serviceTabs, unique } from './console-pages';

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

test('sign-in and a page that does not exist fit the screen', async ({ page }) => {
  await page.goto('/sign-in');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to pgdeck' })).toBeVisible();
  await expectNoSidewaysScroll(page, 'sign-in');
  await page.goto('/no-such-page');
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  await expectNoSidewaysScroll(page, 'not found');
});

test('the list as cards, the create form, and a service with each of its tabs fit the screen', async ({ page, admin, signIn, engine, waitRunning }) => {
  test.setTimeout(240_000);
  const name = unique('narrow');
  await populatedService({ engine, waitRunning }, name);
  await signIn(page, admin);

  // the list: a card per service, the table left for wide screens
  await expect(page.getByRole('table')).toBeHidden();
  const card = page.getByRole('list', { name: 'Services' }).getByRole('listitem').filter({ has: page.getByRole('link', { name, exact: true }) });
  await expect(card).toBeVisible();
  await expect(card).toContainText('hobbyist-2 · PostgreSQL');
  await expect(card).toContainText('running');
  await expect(card).toContainText(/Created \d{4}-\d\d-\d\d \d\d:\d\d \S+/);
  await expectNoSidewaysScroll(page, 'services list');

  await page.getByRole('link', { name: 'Create service', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Create a service' })).toBeVisible();
  await expect(page.getByRole('radio').first()).toBeVisible({ timeout: 30_000 });
  await expectNoSidewaysScroll(page, 'create form');

  // a settings history entry with a long value: it wraps on the Settings tab
  const cidrs = Array.from({ length: 12 }, (_, i) => `2001:db8:${i.toString(16)}::/48`);
  expect((await engine('PUT', `/dbaas-postgres/${name}`, { 'ip-filter': cidrs })).status).toBe(200);
  await waitRunning(name);

  await page.goto(`/services/${name}`);
  const bar = page.getByRole('navigation', { name: 'Service sections' }).getByRole('list');
  // the tabs are wider than the screen: their bar scrolls, the page does not
  expect(await bar.evaluate((ul) => ul.scrollWidth > ul.clientWidth)).toBe(true);
  for (const tab of serviceTabs) {
    await openTab(page, tab);
    if (tab === 'Settings') await expect(page.getByRole('list', { name: 'Changed keys' }).filter({ hasText: cidrs[11] ?? '' })).toBeVisible();
    await expectNoSidewaysScroll(page, `tab ${tab}`);
    // the current tab is scrolled into the bar's view
    const link = page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name: tab, exact: true });
    const [l, b] = await Promise.all([link.boundingBox(), bar.boundingBox()]);
    expect(l && b && l.x >= b.x - 1 && l.x + l.width <= b.x + b.width + 1, `${tab} in the bar's view`).toBe(true);
  }
  // opened directly on the last tab, that tab is in view too
  await page.goto(`/services/${name}?tab=queries`);
  const queries = await page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name: 'Queries' }).boundingBox();
  expect((queries?.x ?? 999) + (queries?.width ?? 0)).toBeLessThanOrEqual(390);

  await page.goto('/services/no-such-service');
  await expect(page.getByRole('heading', { level: 1, name: 'Service not found' })).toBeVisible();
  await expectNoSidewaysScroll(page, 'service not found');
});

test('the header menu: opened from its button, closed with Escape, and signing out from it', async ({ page, admin, signIn }) => {
  await signIn(page, admin);
  const button = page.getByRole('button', { name: 'Menu' });
  const signOut = page.getByRole('button', { name: 'Sign out' });
  await expect(button).toHaveAttribute('aria-expanded', 'false');
  await expect(signOut).toBeHidden();
  await expect(page.getByText(admin.key)).toBeHidden();
  await expectNoSidewaysScroll(page, 'header closed');

  await button.tap();
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByText(admin.key)).toBeVisible();
  // focus moves into the menu, to its first control
  await expect(signOut).toBeFocused();
  await expectNoSidewaysScroll(page, 'header open');
  await page.keyboard.press('Escape');
  await expect(button).toHaveAttribute('aria-expanded', 'false');
  await expect(signOut).toBeHidden();
  await expect(button).toBeFocused();

  // a tap elsewhere closes it too
  await button.tap();
  await expect(signOut).toBeVisible();
  await page.touchscreen.tap(195, 800);
  await expect(signOut).toBeHidden();

  await button.tap();
  await signOut.tap();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto('/services');
  await expect(page).toHaveURL(/\/sign-in$/);
});
