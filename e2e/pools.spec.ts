// A service's connection pools through the Pools tab, each change checked
// where it matters: connecting through the pool's URI to the real PgBouncer,
// which hands the connection to the pool's database.
import type { Page } from '@playwright/test';
import type { ServicePg } from '../lib/schemas/service';
import { expect, test } from './fixtures';

/** A name no other test uses (and free of "create": sign-in.spec looks for create links). */
const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

const toast = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text });

function poolsTable(page: Page, name: string) {
  const table = page.getByRole('table', { name: `Connection pools of ${name}` });
  return {
    table,
    row: (pool: string) => table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: pool, exact: true }) }),
    uri: (pool: string) => table.getByRole('group', { name: `Connection URI of pool ${pool}` }).getByRole('code'),
  };
}

async function openPools(page: Page, name: string): Promise<void> {
  await page.goto(`/services/${name}`);
  await page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name: 'Pools' }).click();
  await expect(page).toHaveURL(new RegExp(`/services/${name}\\?tab=pools$`));
}

test('pools: created in the form, connected through for real, resized, deleted after confirming', async ({ page, admin, signIn, engine, waitRunning, sql }) => {
  const name = unique('pools');
  const database = `orders_${Math.random().toString(36).slice(2, 6)}`;
  const pool = `web_${Math.random().toString(36).slice(2, 6)}`;
  await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2' });
  const { uri: adminUri = '' } = await waitRunning(name);
  expect((await engine('POST', `/dbaas-postgres/${name}/database`, { 'database-name': database })).status).toBe(200);
  const upstream = async () => (await engine<ServicePg>('GET', `/dbaas-postgres/${name}`)).body;

  await signIn(page, admin);
  await openPools(page, name);
  const { table, row, uri } = poolsTable(page, name);
  await expect(page.getByText('No connection pools yet.')).toBeVisible();

  // the form checks bounds before sending anything
  await page.getByRole('button', { name: 'Create pool' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create pool' });
  await expect(dialog.getByLabel('Pool mode')).toHaveValue('transaction');
  await expect(dialog.getByLabel('Pool size')).toHaveValue('10');
  await expect(dialog.getByLabel('User')).toHaveValue('');
  await expect(dialog.getByRole('option', { name: 'any user (own password)' })).toHaveCount(1);
  await dialog.getByLabel('Name', { exact: true }).fill(pool);
  await dialog.getByLabel('Database').selectOption(database);
  await dialog.getByLabel('User').selectOption('avnadmin');
  const size = dialog.getByLabel('Pool size');
  await size.fill('0');
  await dialog.getByRole('button', { name: 'Create pool' }).click();
  await expect(size).toHaveAttribute('aria-invalid', 'true');
  await expect(size).toHaveAccessibleDescription('must be at least 1');
  expect((await upstream())['connection-pools'] ?? []).toEqual([]);

  // created: listed with what was chosen, and as the engine reports it
  await size.fill('5');
  await dialog.getByRole('button', { name: 'Create pool' }).click();
  await expect(dialog).toBeHidden();
  await expect(toast(page, `Create pool ${pool}: done`)).toBeVisible();
  await expect(row(pool).getByRole('cell')).toContainText(['transaction', '5', database, 'avnadmin']);
  const listed = (await upstream())['connection-pools'] ?? [];
  expect(listed.map(({ 'connection-uri': _u, ...p }) => p)).toEqual([{ name: pool, database, mode: 'transaction', size: 5, username: 'avnadmin' }]);
  const bouncer = (await upstream()).components?.find((c) => c.component === 'pgbouncer');
  expect(bouncer?.port).toBeGreaterThan(0);
  await expect(page.getByText(`PgBouncer listens on ${bouncer?.host}:${bouncer?.port}`)).toBeVisible();

  // the URI is shown without its password, on PgBouncer's port, naming the pool
  await expect(uri(pool)).toHaveText(new RegExp(`^postgres://avnadmin@[^:/]+:${bouncer?.port}/${pool}\\?sslmode=require$`));
  expect(new URL(adminUri).port).not.toBe(String(bouncer?.port));

  // revealed, it connects through PgBouncer to the pool's database
  await row(pool).getByRole('button', { name: `Reveal password in connection URI of pool ${pool}` }).click();
  await expect(uri(pool)).toHaveText(/^postgres:\/\/avnadmin:[^@]+@/);
  const poolUri = (await uri(pool).textContent()) ?? '';
  const through = (await sql(poolUri, 'select current_database() as db, current_user as me'))[0];
  expect(through).toEqual({ db: database, me: 'avnadmin' });
  await row(pool).getByRole('button', { name: `Hide password in connection URI of pool ${pool}` }).click();
  await expect(uri(pool)).toHaveText(new RegExp(`^postgres://avnadmin@`));

  // a second pool of the same name: the engine's refusal beside the name field
  await page.getByRole('button', { name: 'Create pool' }).click();
  await expect(dialog.getByLabel('Name', { exact: true })).toHaveValue('');
  await dialog.getByLabel('Name', { exact: true }).fill(pool);
  await dialog.getByRole('button', { name: 'Create pool' }).click();
  const nameField = dialog.getByLabel('Name', { exact: true });
  await expect(nameField).toHaveAttribute('aria-invalid', 'true');
  await expect(nameField).toHaveAccessibleDescription(`connection pool ${pool} already exists`);
  await expect(nameField).toBeFocused();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(table.getByRole('row')).toHaveCount(2);

  // edited: a bigger pool in session mode, applied by PgBouncer
  await row(pool).getByRole('button', { name: `Edit pool ${pool}` }).click();
  const edit = page.getByRole('dialog', { name: `Edit pool ${pool}` });
  await expect(edit.getByLabel('Name', { exact: true })).toHaveCount(0);
  await expect(edit.getByLabel('Database')).toHaveValue(database);
  await expect(edit.getByLabel('User')).toHaveValue('avnadmin');
  await expect(edit.getByLabel('Pool size')).toHaveValue('5');
  await edit.getByLabel('Pool size').fill('7');
  await edit.getByLabel('Pool mode').selectOption('session');
  await edit.getByRole('button', { name: 'Save pool' }).click();
  await expect(edit).toBeHidden();
  await expect(toast(page, `Update pool ${pool}: done`)).toBeVisible();
  await expect(row(pool).getByRole('cell')).toContainText(['session', '7', database, 'avnadmin']);
  const updated = ((await upstream())['connection-pools'] ?? []).find((p) => p.name === pool);
  expect(updated).toMatchObject({ mode: 'session', size: 7, database, username: 'avnadmin' });
  expect((await sql(poolUri, 'select current_database() as db'))[0]?.db).toBe(database);

  // deleting asks first; cancelling keeps it
  await row(pool).getByRole('button', { name: `Delete pool ${pool}` }).click();
  const confirm = page.getByRole('dialog', { name: `Delete pool ${pool}` });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toBeHidden();
  await expect(row(pool)).toBeVisible();

  await row(pool).getByRole('button', { name: `Delete pool ${pool}` }).click();
  await confirm.getByRole('button', { name: 'Delete pool', exact: true }).click();
  await expect(confirm).toBeHidden();
  await expect(toast(page, `Delete pool ${pool}: done`)).toBeVisible();
  await expect(page.getByText('No connection pools yet.')).toBeVisible();
  expect((await upstream())['connection-pools'] ?? []).toEqual([]);
  // PgBouncer no longer serves it; the database itself is untouched
  await expect(sql(poolUri, 'select 1')).rejects.toThrow();
  expect((await sql(adminUri, `select datname from pg_database where datname = '${database}'`))[0]?.datname).toBe(database);
});

test('a viewer sees the pools, with no controls and no password in their URIs', async ({ page, signIn, newKey, engine, waitRunning }) => {
  const name = unique('poolview');
  await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2' });
  await waitRunning(name);
  expect((await engine('POST', `/dbaas-postgres/${name}/connection-pool`, { name: 'as-admin', 'database-name': 'defaultdb', username: 'avnadmin', size: 3 })).status).toBe(200);
  expect((await engine('POST', `/dbaas-postgres/${name}/connection-pool`, { name: 'anyone', 'database-name': 'defaultdb', mode: 'session' })).status).toBe(200);
  const full = (await engine<ServicePg>('GET', `/dbaas-postgres/${name}`)).body;
  const adminPassword = full.users?.find((u) => u.type === 'primary')?.password ?? '';
  expect(adminPassword.length).toBeGreaterThanOrEqual(16);

  const bodies: Promise<string>[] = [];
  page.on('response', (res) => bodies.push(res.text().catch(() => '')));
  await signIn(page, await newKey('viewer'));
  await openPools(page, name);
  const { table, row, uri } = poolsTable(page, name);
  await expect(row('as-admin').getByRole('cell')).toContainText(['transaction', '3', 'defaultdb', 'avnadmin']);
  await expect(row('anyone').getByRole('cell')).toContainText(['session', '10', 'defaultdb', 'any user (own password)']);
  await expect(uri('as-admin')).toHaveText(/^postgres:\/\/avnadmin@[^:/]+:\d+\/as-admin\?sslmode=require$/);
  await expect(uri('anyone')).toHaveText(/\/anyone\?sslmode=require$/);

  // copy is all a viewer can do
  await expect(page.getByRole('button', { name: 'Create pool' })).toHaveCount(0);
  await expect(table.getByRole('button', { name: /edit|delete|reveal/i })).toHaveCount(0);
  await expect(table.getByRole('button', { name: 'Copy connection URI of pool as-admin' })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: 'Actions' })).toHaveCount(0);

  expect((await Promise.all(bodies)).join('\n')).not.toContain(adminPassword);
  await expect(page.locator('body')).not.toContainText(adminPassword);
});
