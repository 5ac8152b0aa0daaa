// What the narrow-screen and accessibility specs walk through: a running service with something on every tab
// (a database, a user, a pool, its first backup), the tabs of its page, and the check that a page is no wider
// than the window.
import type { Page } from '@playwright/test';
import { expect, type Fixtures } from './fixtures';
import type { ServicePg } from '../lib/schemas/service';

export const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

/** Every tab of a service's page, as a key that may write sees them (Queries: the engine has the extension). */
export const serviceTabs = ['Overview', 'Databases', 'Users', 'Pools', 'Backups', 'Settings', 'Metrics', 'Logs', 'Queries'] as const;

export async function populatedService({ engine, waitRunning }: Pick<Fixtures, 'engine' | 'waitRunning'>, name: string): Promise<ServicePg> {
  expect((await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2' })).status).toBe(200);
  await waitRunning(name);
  expect((await engine('POST', `/dbaas-postgres/${name}/database`, { 'database-name': 'orders' })).status).toBe(200);
  expect((await engine('POST', `/dbaas-postgres/${name}/user`, { username: 'reporting', 'allow-replication': false })).status).toBe(200);
  expect((await engine('POST', `/dbaas-postgres/${name}/connection-pool`, { name: 'web', 'database-name': 'orders', username: 'avnadmin', size: 5 })).status).toBe(200);
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
    const { body } = await engine<ServicePg>('GET', `/dbaas-postgres/${name}`);
    if ((body.backups ?? []).length > 0 && body.state === 'running') return body;
  }
  throw new Error(`no backup of ${name} is listed`);
}

/**
 * The page scrolls only down: nothing makes it wider than the window. On a phone (isMobile) the browser zooms a
 * page out to fit what is wider, and innerWidth grows with it: the screen's width is the viewport's.
 */
export async function expectNoSidewaysScroll(page: Page, where: string): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  const screen = page.viewportSize()?.width ?? innerWidth;
  expect(scrollWidth, `${where}: page width against the window's`).toBeLessThanOrEqual(Math.min(innerWidth, screen));
}

/** Opens a tab from the service's section links, as a reader does, and waits until its content is in. */
export async function openTab(page: Page, tab: (typeof serviceTabs)[number]): Promise<void> {
  await page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name: tab, exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name: tab, exact: true })).toHaveAttribute('aria-current', 'page');
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 30_000 });
}
