// Settings through the forms generated from the engine's settings schema:
// changed in the settings tab, reviewed as a diff with restarts marked,
// applied, reported after a reload and visible in PostgreSQL itself; put back
// to the default; and set at creation in the create form's advanced section.
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import type { ServicePg } from '../lib/schemas/service';

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
const toast = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text });
/** A generated field, by its key name (the reset button's label only contains it). */
const setting = (page: Page, key: string) => page.getByLabel(key, { exact: true });
const change = (dialog: Locator, key: string) => dialog.getByRole('listitem').filter({ hasText: key });

async function show(sql: (uri: string, q: string) => Promise<Record<string, unknown>[]>, uri: string, name: string): Promise<unknown> {
  return (await sql(uri, `show ${name}`))[0]?.[name];
}

test('settings changed through the generated form: a diff to review with the restart marked, applied, reported after a reload', async ({ page, admin, signIn, engine, waitRunning, sql }) => {
  // the engine builds its first settings document from every installed major's template (initdb on a fresh data directory)
  test.setTimeout(300_000);
  const name = unique('tuned');
  expect((await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2' })).status).toBe(200);
  const { uri = '' } = await waitRunning(name);
  const locksBefore = await show(sql, uri, 'max_locks_per_transaction');
  expect(locksBefore).not.toBe('128');

  await signIn(page, admin);
  await page.goto(`/services/${name}?tab=settings`);
  const save = page.getByRole('button', { name: 'Save settings' });
  const naptime = setting(page, 'autovacuum_naptime');
  await expect(naptime).toBeVisible({ timeout: 150_000 });
  await expect(save).toBeDisabled();

  // the search filters by key name
  const search = page.getByRole('searchbox', { name: 'Search settings by name' });
  await search.fill('naptime');
  await expect(naptime).toBeVisible();
  await expect(setting(page, 'deadlock_timeout')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'PgBouncer' })).toHaveCount(0);

  // checked as typed against the schema's bounds, beside the field, with its unit
  await naptime.fill('0');
  await expect(naptime).toHaveAccessibleDescription('must be at least 1 s');
  await save.click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await naptime.fill('45');
  await expect(naptime).toHaveAccessibleDescription(/Current: default/);
  await search.fill('');

  // a restart-only setting and a PgBouncer one
  const locks = setting(page, 'max_locks_per_transaction');
  await expect(locks).toHaveAccessibleDescription(/changing it restarts the database/);
  await locks.fill('128');
  const idle = setting(page, 'server_idle_timeout');
  await idle.fill('300');
  await expect(page.getByText('3 changes not saved')).toBeVisible();

  await save.click();
  const dialog = page.getByRole('dialog', { name: 'Review changes' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('listitem')).toHaveCount(3);
  await expect(change(dialog, 'autovacuum.autovacuum_naptime')).toContainText('default (60 s) → 45 s');
  await expect(change(dialog, 'autovacuum.autovacuum_naptime')).not.toContainText('restarts the database');
  await expect(change(dialog, 'max_locks_per_transaction')).toContainText('default (64) → 128');
  await expect(change(dialog, 'max_locks_per_transaction')).toContainText('restarts the database');
  await expect(change(dialog, 'server_idle_timeout')).toContainText('default (600 s) → 300 s');
  await expect(change(dialog, 'server_idle_timeout')).not.toContainText('restarts the database');
  await expect(dialog).toContainText('Applying restarts the database.');
  await dialog.getByRole('button', { name: 'Apply and restart' }).click();
  await expect(dialog).toBeHidden();
  await expect(toast(page, `Update ${name}: done`)).toBeVisible({ timeout: 90_000 });
  await expect(save).toBeDisabled();

  // only the changed keys went, nested as the API nests them
  const after = (await engine<ServicePg>('GET', `/dbaas-postgres/${name}`)).body;
  expect(after['pg-settings']).toEqual({ autovacuum: { autovacuum_naptime: 45 }, max_locks_per_transaction: 128 });
  expect(after['pgbouncer-settings']).toEqual({ server_idle_timeout: 300 });
  await expect.poll(() => show(sql, uri, 'autovacuum_naptime')).toBe('45s');
  await expect.poll(() => show(sql, uri, 'max_locks_per_transaction')).toBe('128');

  await page.reload();
  await expect(naptime).toHaveValue('45');
  await expect(naptime).toHaveAccessibleDescription(/Current: 45 s/);
  await expect(locks).toHaveValue('128');
  await expect(idle).toHaveValue('300');

  // back to the default: sent as null, a reload only
  await page.getByRole('button', { name: 'Reset autovacuum.autovacuum_naptime to its default' }).click();
  await expect(naptime).toHaveValue('');
  await save.click();
  await expect(change(dialog, 'autovacuum.autovacuum_naptime')).toContainText('45 s → default (60 s)');
  await expect(dialog).not.toContainText('Applying restarts the database.');
  await dialog.getByRole('button', { name: 'Apply changes' }).click();
  await expect(dialog).toBeHidden();
  await expect.poll(async () => JSON.stringify((await engine<ServicePg>('GET', `/dbaas-postgres/${name}`)).body['pg-settings'])).not.toContain('autovacuum_naptime');
  expect((await engine<ServicePg>('GET', `/dbaas-postgres/${name}`)).body['pg-settings']?.max_locks_per_transaction).toBe(128);
  await expect(save).toBeDisabled();
  await expect(naptime).toHaveValue('');
  await expect.poll(() => show(sql, uri, 'autovacuum_naptime')).toBe('1min');
});

test('a setting with alternative ranges is checked as typed, and a reload-only change applies without a restart', async ({ page, admin, signIn, engine, waitRunning }) => {
  const name = unique('refused');
  expect((await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2' })).status).toBe(200);
  await waitRunning(name);
  await signIn(page, admin);
  await page.goto(`/services/${name}?tab=settings`);
  // wal_sender_timeout takes 0 or 5000 and more: the form says so before anything is sent
  const timeout = setting(page, 'wal_sender_timeout');
  await timeout.fill('100');
  await expect(timeout).toHaveAccessibleDescription(/^must be 0 or 5000–10800000/);
  await timeout.fill('60000');
  await expect(timeout).toHaveAccessibleDescription(/Current: default/);
  await page.getByRole('button', { name: 'Save settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Review changes' });
  await expect(dialog).toContainText('These changes are applied with a reload');
  await dialog.getByRole('button', { name: 'Apply changes' }).click();
  await expect(toast(page, `Update ${name}: done`)).toBeVisible({ timeout: 60_000 });
  expect((await engine<ServicePg>('GET', `/dbaas-postgres/${name}`)).body['pg-settings']).toEqual({ wal: { wal_sender_timeout: 60000 } });
});

test('settings chosen in the create form’s advanced section are set from the start', async ({ page, admin, signIn, waitRunning, sql }) => {
  const name = unique('advanced');
  await signIn(page, admin);
  await page.getByRole('link', { name: 'Create service', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('PostgreSQL version').selectOption('16');
  const radio = page.getByRole('radio', { name: /^hobbyist-2\b/ });
  await radio.locator('xpath=ancestor::label[1]').click();
  await expect(radio).toBeChecked();

  await page.getByText('Advanced settings').click();
  const deadlock = setting(page, 'deadlock_timeout');
  await deadlock.fill('100');
  await expect(deadlock).toHaveAccessibleDescription('must be at least 500 ms');
  // 18-only keys are not offered for 16, and come back for 18
  await expect(setting(page, 'io_method')).toHaveCount(0);
  await page.getByLabel('PostgreSQL version').selectOption('18');
  await expect(setting(page, 'io_method')).toBeVisible();
  await page.getByLabel('PostgreSQL version').selectOption('16');
  await expect(setting(page, 'io_method')).toHaveCount(0);

  // invalid: nothing is sent, the field says why
  await page.getByRole('button', { name: 'Create service' }).click();
  await expect(page).toHaveURL(/\/services\/new$/);
  await deadlock.fill('2500');
  await page.getByRole('button', { name: 'Create service' }).click();
  await expect(page).toHaveURL(new RegExp(`/services/${name}$`));

  const created = await waitRunning(name);
  expect(created['pg-settings']).toEqual({ deadlock_timeout: 2500 });
  expect(created['pgbouncer-settings'] ?? {}).toEqual({});
  expect(await show(sql, created.uri ?? '', 'deadlock_timeout')).toBe('2500ms');
});
