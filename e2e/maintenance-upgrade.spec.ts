// Maintenance and major upgrades in the console: the window changed from the
// maintenance card and saved; "Apply now" with nothing pending ending with the
// operation's own message; an upgrade check that finds a blocker in a database
// and passes once it is fixed, in a dialog at 390 px; an upgrade from 17 to 18
// followed to the end, the data kept; and what a viewer sees.
import type { Page } from '@playwright/test';
import type { Operation } from '../lib/schemas/operation';
import type { ServicePg } from '../lib/schemas/service';
import { expect, test, type Fixtures } from './fixtures';

/** A name no other test uses (and free of "create": sign-in.spec looks for create links). */
const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

async function runningService({ engine, waitRunning }: Pick<Fixtures, 'engine' | 'waitRunning'>, name: string, version?: string): Promise<ServicePg> {
  expect((await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2', ...(version ? { version } : {}) })).status).toBe(200);
  return waitRunning(name);
}

const maintenanceCard = (page: Page) => page.locator('section').filter({ has: page.getByRole('heading', { level: 2, name: 'Maintenance' }) });

async function openUpgrade(page: Page, name: string) {
  await page.goto(`/services/${name}`);
  await page.getByRole('button', { name: 'Upgrade PostgreSQL…' }).click();
  const dialog = page.getByRole('dialog', { name: `Upgrade ${name}` });
  await expect(dialog).toBeVisible();
  return dialog;
}

test('maintenance: the window is changed from the card and saved; a bad time is refused beside its field', async ({ page, admin, signIn, engine, waitRunning }) => {
  const name = unique('window');
  await runningService({ engine, waitRunning }, name);
  await signIn(page, admin);
  await page.goto(`/services/${name}`);
  const card = maintenanceCard(page);
  await expect(card.getByText('None: the service is up to date.')).toBeVisible();

  // Escape leaves it as it was, and gives focus back to the button
  const change = card.getByRole('button', { name: 'Change window…' });
  await change.click();
  const dialog = page.getByRole('dialog', { name: `Maintenance window of ${name}` });
  await expect(dialog.getByLabel('Day')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(change).toBeFocused();

  await change.click();
  await expect(dialog.getByRole('button', { name: 'Save window' })).toBeDisabled();
  await dialog.getByLabel('Day').selectOption({ label: 'Wednesday' });
  const time = dialog.getByLabel('Time (UTC)');
  await time.fill('25:00:00');
  await expect(time).toHaveAttribute('aria-invalid', 'true');
  await expect(time).toHaveAccessibleDescription('must be a time of day as HH:MM:SS (UTC)');
  await time.fill('03:30:00');
  await dialog.getByRole('button', { name: 'Save window' }).click();
  await expect(dialog).toBeHidden();
  await expect(card.getByText('every Wednesday at 03:30 UTC')).toBeVisible();

  const { body } = await engine<ServicePg>('GET', `/dbaas-postgres/${name}`);
  expect(body.maintenance).toMatchObject({ dow: 'wednesday', time: '03:30:00' });
  await page.reload();
  await expect(maintenanceCard(page).getByText('every Wednesday at 03:30 UTC')).toBeVisible();

  // never: only on demand
  await maintenanceCard(page).getByRole('button', { name: 'Change window…' }).click();
  await dialog.getByLabel('Day').selectOption({ label: 'Never (only on demand)' });
  await dialog.getByRole('button', { name: 'Save window' }).click();
  await expect(maintenanceCard(page).getByText('never: updates wait until someone applies them')).toBeVisible();
  expect((await engine<ServicePg>('GET', `/dbaas-postgres/${name}`)).body.maintenance).toMatchObject({ dow: 'never' });
});

test('maintenance: "Apply now" with nothing pending ends with the operation\'s message', async ({ page, admin, signIn, engine, waitRunning }) => {
  const name = unique('apply');
  await runningService({ engine, waitRunning }, name);
  await signIn(page, admin);
  await page.goto(`/services/${name}`);
  const card = maintenanceCard(page);
  await expect(card.getByText('None: the service is up to date.')).toBeVisible();

  await card.getByRole('button', { name: 'Apply now' }).click();
  const confirm = page.getByRole('dialog', { name: `Apply maintenance to ${name} now?` });
  await expect(confirm).toContainText('No update is listed as pending');
  const answer = page.waitForResponse((r) => r.url().endsWith(`/api/services/${name}/maintenance/start`));
  await confirm.getByRole('button', { name: 'Apply now' }).click();
  let op = (await (await answer).json()) as Operation;
  for (const deadline = Date.now() + 60_000; op.state === 'pending' && Date.now() < deadline; await page.waitForTimeout(300)) {
    op = (await engine<Operation>('GET', `/operation/${op.id}`)).body;
  }
  expect(op.state).toBe('success');
  expect(op.message).toBeTruthy();
  await expect(card.getByRole('status')).toHaveText(`Maintenance done: ${op.message}`);
});

test('upgrade check: a blocker in a database, in plain words with its fix, then passed once fixed; at 390 px', async ({ page, admin, signIn, engine, waitRunning, sql }) => {
  test.setTimeout(180_000);
  const name = unique('check');
  const { uri = '' } = await runningService({ engine, waitRunning }, name, '17');
  await sql(uri, 'CREATE TABLE procs (p regproc)');

  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, admin);
  const dialog = await openUpgrade(page, name);
  await expect(dialog.getByLabel('Target version')).toHaveValue('18');
  await dialog.getByRole('button', { name: 'Run check' }).click();
  await expect(dialog.getByRole('status')).toHaveText(/^The check found (a problem|\d+ problems) to fix before upgrading to PostgreSQL 18\.$/, { timeout: 90_000 });
  const blockers = dialog.getByRole('region', { name: 'Blockers in database defaultdb' });
  await expect(blockers.getByRole('heading')).toHaveText('Database defaultdb');
  await expect(blockers).toContainText('Tables store reg* types (regproc, regclass…), whose OIDs do not survive an upgrade.');
  await expect(blockers).toContainText('public.procs.p');
  await expect(blockers).toContainText('To fix: Change those columns to text or oid.');
  await dialog.getByText('Details: the check’s result').click();
  await expect(dialog.locator('pre')).toContainText('reg-type-columns defaultdb: ');
  await expect(dialog.getByLabel(`Type ${name} to confirm`)).toHaveCount(0);

  // it fits the narrow screen: nothing wider than the viewport
  const box = await dialog.boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  expect(await dialog.evaluate((d) => d.scrollWidth <= d.clientWidth)).toBe(true);

  await sql(uri, 'DROP TABLE procs');
  await dialog.getByRole('button', { name: 'Run the check again' }).click();
  await expect(dialog.getByRole('status')).toHaveText('The check passed: nothing blocks the upgrade to PostgreSQL 18.', { timeout: 90_000 });
  await expect(dialog.getByRole('region', { name: /^Blockers/ })).toHaveCount(0);
  await expect(dialog.getByLabel(`Type ${name} to confirm`)).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Upgrade to PostgreSQL 18' })).toBeDisabled();

  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  expect((await engine<ServicePg>('GET', `/dbaas-postgres/${name}`)).body.version).toBe('17');
});

test('upgrade: 17 → 18 from the dialog, its steps followed to the end; the data is kept', async ({ page, admin, signIn, engine, waitRunning, sql }) => {
  test.setTimeout(300_000);
  const name = unique('upgrade');
  const { uri = '' } = await runningService({ engine, waitRunning }, name, '17');
  await sql(uri, 'CREATE TABLE kept AS SELECT 42 AS answer');
  // what the operation said while it ran, as the console read it
  const said: string[] = [];
  page.on('response', (r) => {
    if (r.url().includes('/api/operations/')) void r.json().then((op: Operation) => op.message && said.push(op.message), () => undefined);
  });

  await signIn(page, admin);
  const dialog = await openUpgrade(page, name);
  await dialog.getByRole('button', { name: 'Run check' }).click();
  await expect(dialog.getByRole('status')).toHaveText('The check passed: nothing blocks the upgrade to PostgreSQL 18.', { timeout: 90_000 });
  const upgrade = dialog.getByRole('button', { name: 'Upgrade to PostgreSQL 18' });
  await dialog.getByLabel(`Type ${name} to confirm`).fill(name.slice(0, -1));
  await expect(upgrade).toBeDisabled();
  await dialog.getByLabel(`Type ${name} to confirm`).fill(name);
  await upgrade.click();

  const steps = dialog.getByRole('list', { name: 'Upgrade steps' }).getByRole('listitem');
  await expect(steps).toHaveCount(5);
  // one step at a time is the current one while it runs
  await expect(steps.and(page.locator('[aria-current="step"]'))).toHaveCount(1);
  const outcome = dialog.getByRole('status').filter({ hasText: 'The service runs PostgreSQL 18.' });
  await expect(outcome).toBeVisible({ timeout: 240_000 });
  await expect(outcome).toContainText(/upgraded 17 → 18 in \d+ s/);
  for (const step of ['Check', 'Back up', 'Upgrade', 'Verify', 'Switch over']) await expect(steps.filter({ hasText: step })).toContainText(`${step}: done`);
  expect(said.some((m) => /^upgrade 17 → 18: [a-z]+ \([1-5]\/5\)$/.test(m))).toBe(true);

  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.locator('dt', { hasText: 'PostgreSQL' }).locator('xpath=following-sibling::dd[1]')).toContainText('18');
  const upgraded = await waitRunning(name);
  expect(upgraded.version).toBe('18');
  expect(await sql(upgraded.uri ?? '', 'SELECT answer, current_setting(\'server_version_num\')::int / 10000 AS major FROM kept')).toEqual([{ answer: 42, major: 18 }]);
});

test('a viewer sees the maintenance window and the pending updates, and can neither change, apply nor upgrade', async ({ page, signIn, newKey, engine, waitRunning }) => {
  const name = unique('watched');
  await runningService({ engine, waitRunning }, name);
  expect((await engine('PUT', `/dbaas-postgres/${name}`, { maintenance: { dow: 'sunday', time: '04:15:00' } })).status).toBe(200);

  await signIn(page, await newKey('viewer'));
  await page.goto(`/services/${name}`);
  const card = maintenanceCard(page);
  await expect(card.getByText('every Sunday at 04:15 UTC')).toBeVisible();
  await expect(card.getByRole('heading', { name: 'Pending updates' })).toBeVisible();
  await expect(card.getByRole('button')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /upgrade/i })).toHaveCount(0);
});
