// Services through the browser against the real engine: creating one with the
// form and connecting with the URI the page shows, the form's own checks and
// the engine's refusals beside their field, the list and its filter, settings
// that change what PostgreSQL accepts, termination protection and deletion.
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import type { ServiceCommon, ServicePg } from '../lib/schemas/service';

/** A service name no other test uses (and free of "create": sign-in.spec looks for create links). */
const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

/** The State item of the Overview card (a term and its definition). */
const overviewState = (page: Page) => page.locator('dt:text-is("State") + dd');

/** The service URI as the Connection card shows it (the psql command is the other code block). */
const uriText = (page: Page) => page.getByRole('code').filter({ hasText: /^postgres:\/\// });

/**
 * Sets a radio or switch the way a mouse user does: the inputs are visually
 * hidden (sr-only) inside their label, so the label is what gets clicked.
 */
async function choose(control: Locator, on = true): Promise<void> {
  if ((await control.isChecked()) !== on) await control.locator('xpath=ancestor::label[1]').click();
  await expect(control).toBeChecked({ checked: on });
}

const toast = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text });

async function serviceNames(engine: (method: string, path: string) => Promise<{ body: unknown }>): Promise<string[]> {
  const { body } = await engine('GET', '/dbaas-service');
  return ((body as { 'dbaas-services'?: ServiceCommon[] })['dbaas-services'] ?? []).map((s) => s.name);
}

test('a service created with the form runs, and the URI its page shows connects (verify-full)', async ({ page, context, stack, admin, signIn, sql }) => {
  const name = unique('form');
  const password = `Typed_${Math.random().toString(36).slice(2, 12)}`;
  await signIn(page, admin);
  await page.getByRole('link', { name: 'Create service', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Create a service' })).toBeVisible();

  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('PostgreSQL version').selectOption('16');
  await choose(page.getByRole('radio', { name: /^hobbyist-2\b/ }));
  await page.getByLabel('Password', { exact: true }).fill(password);
  const allowList = page.getByLabel('Allowed addresses (CIDR, one per line)');
  await allowList.fill('127.0.0.1/32');
  await expect(allowList).toHaveAccessibleDescription(/Allows 1 block: 127\.0\.0\.1\/32/);
  await page.getByRole('button', { name: 'Create service' }).click();

  // the service page follows the operation until the service runs
  await expect(page).toHaveURL(new RegExp(`/services/${name}$`));
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(toast(page, `Create ${name}: in progress`)).toBeVisible();
  await expect(toast(page, `Create ${name}: done`)).toBeVisible({ timeout: 90_000 });
  await expect(overviewState(page)).toHaveText('running', { timeout: 30_000 });
  await expect(page.getByText('hobbyist-2 · PostgreSQL 16')).toBeVisible();
  // the allow-list went through: the settings tab shows it
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByLabel('Allowed addresses (CIDR, one per line)')).toHaveValue('127.0.0.1/32');
  await page.getByRole('link', { name: 'Overview' }).click();

  // masked until revealed with the page's own button
  const uri = uriText(page);
  await expect(uri).toContainText(':•••@');
  await expect(uri).not.toContainText(password);
  await page.getByRole('button', { name: 'Show password' }).click();
  await expect(uri).toContainText(`:${password}@`);
  const shown = (await uri.textContent()) ?? '';
  await page.getByRole('button', { name: 'Hide password' }).click();
  await expect(uri).toContainText(':•••@');

  // the copy button hands over the same URI
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.consoleUrl });
  await page.getByRole('button', { name: 'Copy URI' }).click();
  await expect(page.getByRole('button', { name: 'Copy URI' })).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown);

  const url = new URL(shown);
  expect(url.username).toBe('avnadmin');
  expect(decodeURIComponent(url.password)).toBe(password);
  expect(url.hostname).toBe('127.0.0.1');
  const rows = await sql(shown, 'select current_user, version()');
  expect(rows[0]?.current_user).toBe('avnadmin');
  expect(rows[0]?.version).toMatch(/^PostgreSQL 16\./);
});

test('a bad CIDR line and a short password are shown beside their fields, and nothing is sent', async ({ page, admin, signIn, engine }) => {
  const name = unique('invalid');
  await signIn(page, admin);
  await page.goto('/services/new');
  const sent: string[] = [];
  page.on('request', (req) => {
    if (req.method() !== 'GET' && req.url().includes('/api/services')) sent.push(`${req.method()} ${req.url()}`);
  });

  await page.getByLabel('Name', { exact: true }).fill(name);
  const password = page.getByLabel('Password', { exact: true });
  await password.fill('short');
  const allowList = page.getByLabel('Allowed addresses (CIDR, one per line)');
  await allowList.fill('127.0.0.1/32\n10.0.0.300/8');
  await page.getByRole('button', { name: 'Create service' }).click();

  await expect(password).toHaveAttribute('aria-invalid', 'true');
  await expect(password).toHaveAccessibleDescription('must be at least 8 characters');
  await expect(allowList).toHaveAttribute('aria-invalid', 'true');
  await expect(allowList).toHaveAccessibleDescription(/^line 2: invalid CIDR "10\.0\.0\.300\/8"/);
  // the first field at fault gets the focus, and the page stays the form
  await expect(password).toBeFocused();
  await expect(page).toHaveURL(/\/services\/new$/);
  await expect(page.getByRole('button', { name: 'Create service' })).toBeEnabled();

  expect(sent).toEqual([]);
  expect(await serviceNames(engine)).not.toContain(name);
});

test('a reserved admin username is refused beside the username field, before anything is sent', async ({ page, admin, signIn, engine }) => {
  const name = unique('reserved');
  await signIn(page, admin);
  await page.goto('/services/new');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await choose(page.getByRole('radio', { name: /^hobbyist-2\b/ }));
  const username = page.getByLabel('Username', { exact: true });
  await username.fill('postgres');
  const sent: string[] = [];
  page.on('request', (req) => {
    if (req.method() === 'POST' && req.url().includes('/api/services/')) sent.push(req.url());
  });
  await page.getByRole('button', { name: 'Create service' }).click();

  // the same rule the engine applies (lib/schemas/common.ts), checked in the form first
  await expect(username).toHaveAttribute('aria-invalid', 'true');
  await expect(username).toHaveAccessibleDescription(/"postgres" is reserved by PostgreSQL/);
  await expect(username).toBeFocused();
  await expect(page).toHaveURL(/\/services\/new$/);
  expect(sent).toEqual([]);
  expect(await serviceNames(engine)).not.toContain(name);
});

test('the services list shows each service with plan, version and state, and filters by name', async ({ page, admin, signIn, engine, waitRunning }) => {
  const first = unique('listed');
  const second = unique('listed');
  expect((await engine('POST', `/dbaas-postgres/${first}`, { plan: 'hobbyist-2', version: '16' })).status).toBe(200);
  expect((await engine('POST', `/dbaas-postgres/${second}`, { plan: 'hobbyist-2', version: '15' })).status).toBe(200);
  await waitRunning(first);
  await waitRunning(second);

  await signIn(page, admin);
  const row = (name: string) => page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
  await expect(row(first).getByRole('cell')).toContainText([first, 'hobbyist-2', '16', 'running', '1']);
  await expect(row(second).getByRole('cell')).toContainText([second, 'hobbyist-2', '15', 'running', '1']);

  const filter = page.getByRole('searchbox', { name: 'Filter by name' });
  await filter.fill(first.toUpperCase());
  await expect(row(first)).toBeVisible();
  await expect(row(second)).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'leakcheck', exact: true })).toHaveCount(0);

  await filter.fill('listed-');
  await expect(row(first)).toBeVisible();
  await expect(row(second)).toBeVisible();

  await filter.fill('no-such-service');
  await expect(page.getByRole('row').filter({ has: page.getByRole('link') })).toHaveCount(0);
  await expect(page.getByText('No service matches “no-such-service”.')).toBeVisible();

  await filter.fill('');
  await expect(row(first)).toBeVisible();
  await expect(row(second)).toBeVisible();

  await page.getByRole('link', { name: second, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/services/${second}$`));
  await expect(page.getByRole('heading', { level: 1, name: second })).toBeVisible();
});

test('termination protection set in settings blocks deletion; once off, the typed name deletes the service', async ({ page, admin, signIn, engine, waitRunning }) => {
  const name = unique('protected');
  await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2' });
  await waitRunning(name);
  await signIn(page, admin);
  await page.goto(`/services/${name}?tab=settings`);

  const protection = page.getByRole('switch', { name: /^Termination protection/ });
  const save = page.getByRole('button', { name: 'Review and save' });
  const apply = page.getByRole('dialog', { name: 'Review changes' }).getByRole('button', { name: 'Apply changes' });
  const del = page.getByRole('button', { name: 'Delete service' });
  await expect(protection).not.toBeChecked();
  await expect(del).toBeEnabled();
  await expect(save).toBeDisabled();

  await choose(protection);
  await save.click();
  await apply.click();
  await expect(toast(page, `Update ${name}: done`)).toBeVisible();
  await expect(save).toBeDisabled();
  await expect(protection).toBeChecked();
  await expect(del).toBeDisabled();
  await expect(del).toHaveAccessibleDescription('Turn off termination protection first (Settings above).');
  expect((await engine<ServicePg>('GET', `/dbaas-postgres/${name}`)).body['termination-protection']).toBe(true);
  // the engine itself refuses too, whatever the page does
  expect((await engine('DELETE', `/dbaas-postgres/${name}`)).status).toBe(403);

  await choose(protection, false);
  await save.click();
  await apply.click();
  await expect(del).toBeEnabled();
  await expect(save).toBeDisabled();
  await expect(del).toHaveAccessibleDescription(/cannot be undone/);
  expect((await engine<ServicePg>('GET', `/dbaas-postgres/${name}`)).body['termination-protection']).toBe(false);

  await del.click();
  const dialog = page.getByRole('dialog', { name: `Delete ${name}?` });
  await expect(dialog).toBeVisible();
  const confirmName = dialog.getByLabel(`Type ${name} to confirm`);
  const confirm = dialog.getByRole('button', { name: 'Delete this service' });
  await expect(confirmName).toBeFocused();
  await expect(confirm).toBeDisabled();
  await confirmName.fill(name.slice(0, -1));
  await expect(confirm).toBeDisabled();
  await confirmName.fill(`${name} `);
  await expect(confirm).toBeDisabled();
  await confirmName.fill(name.toUpperCase());
  await expect(confirm).toBeDisabled();
  // Cancel forgets what was typed
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await del.click();
  await expect(confirmName).toHaveValue('');
  await confirmName.fill(name);
  await expect(confirm).toBeEnabled();
  await confirm.click();

  await expect(page).toHaveURL(/\/services$/);
  await expect(toast(page, `Delete ${name}: done`)).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('link', { name, exact: true })).toHaveCount(0);
  await expect.poll(async () => (await engine('GET', `/dbaas-postgres/${name}`)).status).toBe(404);
});

test('the allow-list edited in settings is what PostgreSQL accepts connections from', async ({ page, admin, signIn, engine, waitRunning, sql }) => {
  const name = unique('filtered');
  await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2' });
  const { uri = '' } = await waitRunning(name);
  expect((await sql(uri, 'select 1 as ok'))[0]?.ok).toBe(1);

  await signIn(page, admin);
  await page.goto(`/services/${name}?tab=settings`);
  const allowList = page.getByLabel('Allowed addresses (CIDR, one per line)');
  const save = page.getByRole('button', { name: 'Review and save' });
  const apply = page.getByRole('dialog', { name: 'Review changes' }).getByRole('button', { name: 'Apply changes' });
  await expect(allowList).toHaveValue('0.0.0.0/0\n::/0');

  await allowList.fill('10.0.0.0/8');
  await save.click();
  await apply.click();
  await expect(toast(page, `Update ${name}: done`)).toBeVisible();
  await expect(save).toBeDisabled();
  await expect(allowList).toHaveValue('10.0.0.0/8');
  expect((await engine<ServicePg>('GET', `/dbaas-postgres/${name}`)).body['ip-filter']).toEqual(['10.0.0.0/8']);
  // the reload is asynchronous in PostgreSQL: wait for it to take effect
  await expect(async () => {
    await expect(sql(uri, 'select 1')).rejects.toThrow(/no pg_hba\.conf entry for host "127\.0\.0\.1"/);
  }).toPass();

  // a typo is refused before anything is sent, beside the field
  await allowList.fill('127.0.0.1/33');
  await expect(allowList).toHaveAccessibleDescription(/^line 1: invalid CIDR "127\.0\.0\.1\/33"/);

  await allowList.fill('0.0.0.0/0\n::/0');
  await save.click();
  await apply.click();
  await expect(save).toBeDisabled();
  await expect(allowList).toHaveValue('0.0.0.0/0\n::/0');
  expect((await engine<ServicePg>('GET', `/dbaas-postgres/${name}`)).body['ip-filter']).toEqual(['0.0.0.0/0', '::/0']);
  await expect(async () => {
    expect((await sql(uri, 'select 1 as ok'))[0]?.ok).toBe(1);
  }).toPass();
});
