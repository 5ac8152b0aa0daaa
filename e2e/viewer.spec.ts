// What read-only and operator keys see of a service the admin made: a viewer
// gets every page without a single control that changes something and without
// any password of the service anywhere in what the browser receives, and reads
// the settings in the same editor with every input disabled and no save bar,
// their history without reverts; an operator gets the settings but not
// termination protection nor deletion.
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures';
import type { ServicePg } from '../lib/schemas/service';

/** A name no other test uses (and free of "create": sign-in.spec looks for create links). */
const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

test('a viewer sees the service, its databases and users, with no controls and no password anywhere', async ({ page, signIn, newKey, engine, waitRunning }) => {
  const name = unique('viewed');
  const user = `reader_${Math.random().toString(36).slice(2, 6)}`;
  await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2' });
  await waitRunning(name);
  expect((await engine('POST', `/dbaas-postgres/${name}/user`, { username: user, 'allow-replication': false })).status).toBe(200);
  expect((await engine('POST', `/dbaas-postgres/${name}/database`, { 'database-name': 'reports' })).status).toBe(200);
  const full = (await engine<ServicePg>('GET', `/dbaas-postgres/${name}`)).body;
  const passwords = (full.users ?? []).map((u) => u.password ?? '');
  expect(passwords).toHaveLength(2);
  for (const p of passwords) expect(p.length).toBeGreaterThanOrEqual(16);
  const adminPassword = full.users?.find((u) => u.type === 'primary')?.password ?? '';
  expect(passwords).toContain(adminPassword);

  // every response the page gets, headers and body (read as they come, awaited before the checks)
  const reading: Promise<{ url: string; type: string; text: string }>[] = [];
  page.on('response', (res) =>
    reading.push(
      (async () => {
        const body = await res.body().catch(() => Buffer.alloc(0));
        return { url: res.url(), type: res.headers()['content-type'] ?? '', text: `${JSON.stringify(await res.allHeaders())}\n${body.toString('utf8')}` };
      })(),
    ),
  );
  const htmls: string[] = [];
  const keepHtml = async () => htmls.push(await page.content());

  await signIn(page, await newKey('viewer'));
  await expect(page.getByText('read-only key')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Create service' })).toHaveCount(0);
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
  await expect(row.getByRole('cell')).toContainText([name, 'hobbyist-2', '18', 'running']);
  await keepHtml();

  // overview: the URI without password, nothing to reveal, no settings form, no delete
  await page.getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Connection' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Service URI (without password)' })).toBeVisible();
  await expect(page.getByRole('code').filter({ hasText: /^postgres:/ })).toHaveText(/^postgres:\/\/avnadmin@127\.0\.0\.1:\d+\/defaultdb\?sslmode=require$/);
  await expect(page.getByRole('button', { name: /password/i })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Settings' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Save changes' })).toHaveCount(0);
  await expect(page.getByRole('switch')).toHaveCount(0);
  await expect(page.getByRole('textbox')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Delete service' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /delete/i })).toHaveCount(0);
  await keepHtml();

  // databases: listed, nothing to create or delete
  await page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name: 'Databases' }).click();
  const list = page.getByRole('list', { name: `Databases of ${name}` });
  await expect(list.getByRole('listitem')).toHaveCount(2);
  await expect(list.getByText('defaultdb', { exact: true })).toBeVisible();
  await expect(list.getByText('reports', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create database' })).toHaveCount(0);
  await expect(list.getByRole('button')).toHaveCount(0);
  await keepHtml();

  // users: listed with their replication right, no password column, nothing to change
  await page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name: 'Users' }).click();
  const table = page.getByRole('table', { name: `Users of ${name}` });
  const userRow = (username: string) => table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: username, exact: true }) });
  await expect(userRow('avnadmin').getByRole('cell')).toContainText(['admin', 'allowed']);
  await expect(userRow(user).getByRole('cell')).toContainText(['normal', 'no']);
  await expect(table.getByRole('columnheader', { name: 'Password' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Create user' })).toHaveCount(0);
  await expect(table.getByRole('button')).toHaveCount(0);
  await expect(table.getByRole('switch')).toHaveCount(0);
  await keepHtml();

  // settings: read, nothing to change (the next test looks closer)
  await page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Database configuration' })).toBeVisible();
  await expect(page.getByText(/settings? set on this service|Every setting is at its default/)).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('button', { name: 'Review and save' })).toHaveCount(0);
  await keepHtml();

  // asking anyway is refused by the engine, through the console
  const reveal = await page.request.get(`/api/services/${name}/users/avnadmin/password`);
  expect(reveal.status()).toBe(403);
  await page.waitForLoadState('networkidle');

  const seen = await Promise.all(reading);
  const json = seen.filter((r) => r.type.includes('application/json'));
  expect(json.map((r) => new URL(r.url).pathname)).toContain(`/api/services/${name}`);
  for (const p of passwords) {
    expect(seen.filter((r) => r.text.includes(p)).map((r) => r.url)).toEqual([]);
    expect(htmls.filter((h) => h.includes(p))).toEqual([]);
  }
  expect(await reveal.text()).not.toContain(adminPassword);
  // what the service query holds for a viewer: users without a password field
  const served = (await (await page.request.get(`/api/services/${name}`)).json()) as ServicePg;
  expect(served.users?.map((u) => Object.keys(u).sort())).toEqual([
    ['allow-replication', 'type', 'username'],
    ['allow-replication', 'type', 'username'],
  ]);
  expect(served['uri-params']?.password).toBeUndefined();
});

test('an operator sees the settings with termination protection locked, and no delete section', async ({ page, signIn, newKey, engine, waitRunning }) => {
  const name = unique('operated');
  await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2', 'termination-protection': true });
  await waitRunning(name);

  await signIn(page, await newKey('operator'));
  await expect(page.getByText('read-only key')).toHaveCount(0);
  await page.getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  // an operator may reveal the URI's password
  await expect(page.getByRole('button', { name: 'Show password' })).toBeVisible();

  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await expect(page.getByLabel('Allowed addresses (CIDR, one per line)')).toBeEditable();
  const protection = page.getByRole('switch', { name: /^Termination protection/ });
  await expect(protection).toBeChecked();
  await expect(protection).toBeDisabled();
  await expect(protection).toHaveAccessibleName(/Your API key’s role does not allow switching it; ask an admin\./);

  await expect(page.getByRole('heading', { name: 'Delete service' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /delete/i })).toHaveCount(0);
});

test('a viewer reads the settings in the same editor, every input disabled and no save bar, and their history without reverts', async ({ page, signIn, newKey, engine, waitRunning }) => {
  test.setTimeout(180_000);
  const name = unique('readonly');
  await engine('POST', `/dbaas-postgres/${name}`, {
    plan: 'hobbyist-2',
    'ip-filter': ['203.0.113.0/24'],
    'pg-settings': { deadlock_timeout: 2000, autovacuum: { autovacuum_naptime: 30 } },
    'pgbouncer-settings': { server_idle_timeout: 200 },
  });
  await waitRunning(name);
  // a change after the creation: one the history could revert, for a key that may write
  expect((await engine('PUT', `/dbaas-postgres/${name}`, { 'pgbouncer-settings': { server_idle_timeout: 300 } })).status).toBe(200);
  await waitRunning(name);

  await signIn(page, await newKey('viewer'));
  await page.goto(`/services/${name}`);
  await page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page).toHaveURL(new RegExp(`/services/${name}\\?tab=settings$`));

  // the service's own settings, as set, disabled
  const filter = page.getByLabel('Allowed addresses (CIDR, one per line)');
  await expect(filter).toHaveValue('203.0.113.0/24');
  await expect(filter).toBeDisabled();
  await expect(page.getByRole('switch', { name: /^Termination protection/ })).toBeDisabled();

  // the configuration: what the service sets, with current value and default, disabled
  await expect(page.getByText(/^3 of \d+ settings set on this service\.$/)).toBeVisible({ timeout: 60_000 });
  const deadlock = page.getByLabel('deadlock_timeout', { exact: true });
  await expect(deadlock).toHaveValue('2000');
  await expect(deadlock).toBeDisabled();
  await expect(deadlock).toHaveAccessibleDescription(/Current: 2000 ms · Default: 1000 ms/);
  await expect(page.getByLabel('server_idle_timeout', { exact: true })).toBeDisabled();
  await expect(page.getByRole('button', { name: /^Use default for/ })).toHaveCount(0);

  // the search still finds a key to read
  await page.getByRole('combobox', { name: 'Add a setting' }).fill('max_wal_senders');
  await page.getByRole('option', { name: /^wal\.max_wal_senders / }).click();
  const senders = page.getByLabel('max_wal_senders', { exact: true });
  await expect(senders).toBeVisible();
  await expect(senders).toBeDisabled();
  await expect(senders).toHaveAccessibleDescription(/Default: 20/);

  // the history, read only: no revert
  const entries = page.getByRole('list', { name: 'Settings changes, newest first' }).locator(':scope > li');
  await expect(entries).toHaveCount(2);
  await expect(entries.first()).toContainText('pgbouncer-settings.server_idle_timeout: 200 → 300');
  await expect(page.getByRole('button', { name: 'Revert to this' })).toHaveCount(0);

  // nothing to save, nothing to delete
  await expect(page.getByRole('region', { name: 'Save changes' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /save|discard/i })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Delete service' })).toHaveCount(0);

  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(violations.map((v) => `${colorScheme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);
  }
});
