// Backups and restores in the console: a service restored to a second between
// two commits from its Backups tab, the fork queried for exactly the rows
// committed by then; a time outside the window refused beside its field; a
// fork made by the create form; and what a viewer sees.
import type { Page } from '@playwright/test';
import type { ServicePg } from '../lib/schemas/service';
import { expect, test, type Fixtures } from './fixtures';

/** A name no other test uses (and free of "create": sign-in.spec looks for create links). */
const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** As the console shows times: `2026-12-02 14:02:59` (UTC). */
const typed = (t: Date) => t.toISOString().slice(0, 19).replace('T', ' ');

/** A running service of its own, once its first backup (taken right after it runs) is listed. */
async function serviceWithBackup({ engine, waitRunning }: Pick<Fixtures, 'engine' | 'waitRunning'>, name: string): Promise<ServicePg> {
  await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2' });
  await waitRunning(name);
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(500)) {
    const { body } = await engine<ServicePg>('GET', `/dbaas-postgres/${name}`);
    if ((body.backups ?? []).length > 0) return body;
  }
  throw new Error(`no backup of ${name} is listed`);
}

async function openRestore(page: Page, name: string) {
  await page.goto(`/services/${name}`);
  await page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name: 'Backups' }).click();
  await expect(page.getByRole('table', { name: `Backups of ${name}` }).getByRole('row')).toHaveCount(2);
  await page.getByRole('button', { name: 'Restore to a new service' }).click();
  return page.getByRole('dialog', { name: `Restore ${name} to a new service` });
}

test('backups: restored to a second between two commits, the fork has exactly the rows committed by then', async ({ page, admin, signIn, engine, waitRunning, sql }) => {
  const name = unique('pitr');
  const fork = `${name}-fork`;
  const { uri = '' } = await serviceWithBackup({ engine, waitRunning }, name);
  await sql(uri, 'CREATE TABLE t (id int)');
  await sql(uri, 'INSERT INTO t VALUES (1)');
  await sql(uri, 'INSERT INTO t VALUES (2)');
  // T: the next whole second after both commits (same host clock), the third committed a second after it
  const t = new Date(Math.floor(Date.now() / 1000) * 1000 + 1000);
  await sleep(t.getTime() + 1100 - Date.now());
  await sql(uri, 'INSERT INTO t VALUES (3)');

  await signIn(page, admin);
  const dialog = await openRestore(page, name);
  await dialog.getByLabel('A point in time').check();
  await dialog.getByLabel('Point in time (UTC)').pressSequentially(typed(t));
  await dialog.getByLabel('New service name').fill(fork);
  await dialog.getByRole('button', { name: 'Restore' }).click();
  await expect(dialog.getByRole('status')).toHaveText(`Restoring into ${fork}; its page opens when it runs.`);

  // the new service's page opens once it runs
  await expect(page).toHaveURL(new RegExp(`/services/${fork}$`), { timeout: 90_000 });
  await expect(page.getByRole('heading', { level: 1, name: fork })).toBeVisible();
  const restored = await waitRunning(fork);
  expect(await sql(restored.uri ?? '', 'SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
});

test('backups: a time before the recoverable window is refused beside the field, and nothing is sent', async ({ page, admin, signIn, engine, waitRunning }) => {
  const name = unique('window');
  const { 'pgdeck-recovery-window': window } = await serviceWithBackup({ engine, waitRunning }, name);
  const before = typed(new Date(Date.parse(window?.earliest ?? '') - 3600_000));
  const posts: string[] = [];
  page.on('request', (r) => void (r.method() === 'POST' && r.url().includes('/api/services/') && posts.push(r.url())));

  await signIn(page, admin);
  const dialog = await openRestore(page, name);
  await dialog.getByLabel('A point in time').check();
  const time = dialog.getByLabel('Point in time (UTC)');
  await time.pressSequentially(before);
  // checked as typed, naming the window
  await expect(time).toHaveAttribute('aria-invalid', 'true');
  await expect(time).toHaveAccessibleDescription(/^must be within the recoverable window, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC to \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  await dialog.getByLabel('New service name').fill(`${name}-fork`);
  await dialog.getByRole('button', { name: 'Restore' }).click();
  await expect(time).toBeFocused();
  await expect(dialog).toBeVisible();
  expect(posts).toEqual([]);
});

test('the create form starts a service from a backup of another, with its data and its major', async ({ page, admin, signIn, engine, waitRunning, sql }) => {
  const name = unique('source');
  const copy = `${name}-copy`;
  const { uri = '', version } = await serviceWithBackup({ engine, waitRunning }, name);
  await sql(uri, 'CREATE TABLE kept AS SELECT 42 AS answer');

  await signIn(page, admin);
  await page.goto('/services/new');
  await page.getByLabel('Start from').selectOption(`A backup of ${name}`);
  await expect(page.getByLabel('PostgreSQL version')).toHaveValue(`PostgreSQL ${version}`);
  await expect(page.getByLabel('PostgreSQL version')).toHaveAttribute('readonly');
  await expect(page.getByLabel('Its latest state')).toBeChecked();
  await page.getByLabel('Name', { exact: true }).fill(copy);
  await page.getByRole('button', { name: 'Create service' }).click();

  await expect(page).toHaveURL(new RegExp(`/services/${copy}$`));
  const restored = await waitRunning(copy);
  expect(restored.version).toBe(version);
  expect(await sql(restored.uri ?? '', 'SELECT answer FROM kept')).toEqual([{ answer: 42 }]);
});

test('a viewer sees the backups and the window, and cannot restore', async ({ page, signIn, newKey, engine, waitRunning }) => {
  const name = unique('seen');
  const { backups = [] } = await serviceWithBackup({ engine, waitRunning }, name);

  await signIn(page, await newKey('viewer'));
  await page.goto(`/services/${name}?tab=backups`);
  const row = page.getByRole('table', { name: `Backups of ${name}` }).getByRole('row').filter({ hasText: backups[0]?.['backup-name'] ?? '?' });
  // times in the browser's zone, named; UTC on hover
  await expect(row.getByRole('cell').first()).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+$/);
  await expect(row.getByRole('cell').first().locator('time')).toHaveAttribute('title', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  await expect(row.getByRole('cell').last()).toHaveText(/^\d+(\.\d)? (KiB|MiB|GiB)$/);
  await expect(page.getByText(/^any second from \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+ to \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+$/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Restore to a new service' })).toHaveCount(0);
});
