// Settings through the editor generated from the engine's settings schema:
// the view of what the service sets, search and add, one sticky save bar
// that counts the changes, the review with restarts marked, the message that
// names what restarted, the view after a reload and PostgreSQL itself; put
// back to the default; the create form's advanced section with the same
// editor; and axe-core over both, light and dark.
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import type { ServicePg } from '../lib/schemas/service';

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
const toast = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text });
/** A generated field, by its key name (the other buttons' labels only contain it). */
const setting = (page: Page, key: string) => page.getByLabel(key, { exact: true });
const change = (dialog: Locator, key: string) => dialog.getByRole('listitem').filter({ hasText: key });
const picker = (page: Page) => page.getByRole('combobox', { name: 'Add a setting' });

/** "Show all settings" on or off (the switch's input is visually hidden: its label takes the click). */
async function showAll(page: Page, on: boolean): Promise<void> {
  const control = page.getByRole('switch', { name: 'Show all settings' });
  if ((await control.isChecked()) !== on) await control.locator('xpath=ancestor::label[1]').click();
  await expect(control).toBeChecked({ checked: on });
}

/** Looks a key up with "Add a setting…" and picks it (by its key in its section: `wal.max_wal_senders`); answers its control, labelled with its name. */
async function add(page: Page, query: string, key: string): Promise<Locator> {
  await picker(page).fill(query);
  await page.getByRole('option', { name: new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `) }).click();
  return setting(page, key.split('.').pop() ?? key);
}

async function show(sql: (uri: string, q: string) => Promise<Record<string, unknown>[]>, uri: string, name: string): Promise<unknown> {
  return (await sql(uri, `show ${name}`))[0]?.[name];
}

/** axe-core over the page in light and dark: every violation by rule and the elements it names. */
async function axeInBothThemes(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page }).analyze();
    found.push(...violations.map((v) => `${colorScheme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}

test('the settings editor: what the service sets, search and add, one sticky bar, a review naming the restart, the message that says what restarted', async ({ page, admin, signIn, engine, waitRunning, sql }) => {
  // the engine builds its first settings document from every installed major's template (initdb on a fresh data directory)
  test.setTimeout(300_000);
  const name = unique('tuned');
  expect((await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2', 'pg-settings': { deadlock_timeout: 2000 } })).status).toBe(200);
  const { uri = '' } = await waitRunning(name);

  await signIn(page, admin);
  await page.goto(`/services/${name}?tab=settings`);
  const save = page.getByRole('button', { name: 'Review and save' });
  const bar = page.getByRole('region', { name: 'Save changes' });
  const deadlock = setting(page, 'deadlock_timeout');
  await expect(deadlock).toBeVisible({ timeout: 150_000 });
  // one save bar for the whole tab, nothing to save yet
  await expect(page.getByRole('button', { name: /save/i })).toHaveCount(1);
  await expect(save).toBeDisabled();
  await expect(bar).toContainText('No unsaved changes');

  // the view holds what the service sets, not the 80-odd keys
  await expect(page.getByText(/^1 of \d+ settings set on this service\.$/)).toBeVisible();
  await expect(deadlock).toHaveValue('2000');
  await expect(deadlock).toHaveAccessibleDescription(/Current: 2000 ms · Default: 1000 ms/);
  await expect(setting(page, 'autovacuum_naptime')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'PgBouncer' })).toHaveCount(0);

  // search by name: picked, the field joins the view with the focus on it
  const naptime = await add(page, 'naptime', 'autovacuum.autovacuum_naptime');
  await expect(naptime).toBeFocused();
  await expect(naptime).toHaveAccessibleDescription(/Current: default · Default: 60 s/);
  // by description, from the keyboard: max_wal_senders runs the contract's default, 20 (PostgreSQL's own is 10)
  await picker(page).fill('WAL senders');
  await expect(page.getByRole('listbox', { name: 'Matching settings' }).getByRole('option').first()).toContainText('max_wal_senders');
  await picker(page).press('Enter');
  const senders = setting(page, 'max_wal_senders');
  await expect(senders).toBeFocused();
  await expect(senders).toHaveAccessibleDescription(/Allowed: 20–256 · Current: default · Default: 20(?!\d| \(not)/);
  // the memory fields: the engine's 25 %, and the public API's rule for work-mem
  const buffers = await add(page, 'shared buffers', 'shared-buffers-percentage');
  await expect(buffers).toHaveAccessibleDescription(/Default: 25 %/);
  await expect(await add(page, 'work mem', 'work-mem')).toHaveAccessibleDescription(/Default: set from the plan \(1 MB \+ 0\.075 % of the plan’s memory, at most 32 MB\)/);
  // a key only looked up goes again
  await page.getByRole('button', { name: 'Hide work-mem' }).click();
  await expect(setting(page, 'work-mem')).toHaveCount(0);

  // checked as typed against the schema's bounds, beside the field, with its unit; nothing to review while wrong
  await naptime.fill('0');
  await expect(naptime).toHaveAccessibleDescription('must be at least 1 s');
  await save.click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(naptime).toBeFocused();
  await naptime.fill('45');
  const locks = await add(page, 'max_locks', 'max_locks_per_transaction');
  await expect(locks).toHaveAccessibleDescription(/changing it restarts the database/);
  await locks.fill('128');
  await buffers.fill('30');
  const idle = await add(page, 'server_idle', 'server_idle_timeout');
  await idle.fill('300');
  await expect(bar).toContainText('4 unsaved changes');
  await expect(save).toBeEnabled();

  // the bar stays on screen while every setting scrolls under it
  await showAll(page, true);
  await expect(setting(page, 'bgwriter_delay')).toBeVisible();
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  expect(height).toBeGreaterThan(3 * (page.viewportSize()?.height ?? 720));
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
  await expect(save).toBeInViewport();
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expect(save).toBeInViewport();
  await expect(bar).toContainText('4 unsaved changes');
  await showAll(page, false);

  await save.click();
  const dialog = page.getByRole('dialog', { name: 'Review changes' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('listitem')).toHaveCount(4);
  await expect(change(dialog, 'autovacuum.autovacuum_naptime')).toContainText('default (60 s) → 45 s');
  await expect(change(dialog, 'autovacuum.autovacuum_naptime')).not.toContainText('restarts the database');
  await expect(change(dialog, 'max_locks_per_transaction')).toContainText('default (64) → 128');
  await expect(change(dialog, 'max_locks_per_transaction')).toContainText('restarts the database');
  await expect(change(dialog, 'shared-buffers-percentage')).toContainText('default (25 %) → 30 %');
  await expect(change(dialog, 'server_idle_timeout')).toContainText('default (600 s) → 300 s');
  await expect(dialog).toContainText('Applying restarts the database.');
  await dialog.getByRole('button', { name: 'Apply and restart' }).click();
  await expect(dialog).toBeHidden();
  // the bar says what happened, naming what restarted as the engine's operation tells it (while it runs it says
  // "Applying 4 settings; PostgreSQL restarts (…)…", too brief a moment to assert without a race)
  const said = bar.getByRole('status');
  await expect(toast(page, `Update ${name}: done`)).toBeVisible({ timeout: 90_000 });
  await expect(said).toHaveText(/^Applied 4 settings; PostgreSQL restarted \((?=[^)]*shared_buffers)(?=[^)]*max_locks_per_transaction)[^)]*\)$/);
  await expect(save).toBeDisabled();

  // only the changed keys went, nested as the API nests them
  const after = (await engine<ServicePg>('GET', `/dbaas-postgres/${name}`)).body;
  expect(after['pg-settings']).toEqual({ autovacuum: { autovacuum_naptime: 45 }, deadlock_timeout: 2000, max_locks_per_transaction: 128 });
  expect(after['pgbouncer-settings']).toEqual({ server_idle_timeout: 300 });
  expect(after['shared-buffers-percentage']).toBe(30);
  await expect.poll(() => show(sql, uri, 'autovacuum_naptime')).toBe('45s');
  await expect.poll(() => show(sql, uri, 'max_locks_per_transaction')).toBe('128');

  // after a reload the view is what the service now sets
  await page.reload();
  await expect(page.getByText(/^5 of \d+ settings set on this service\.$/)).toBeVisible({ timeout: 30_000 });
  await expect(naptime).toHaveValue('45');
  await expect(naptime).toHaveAccessibleDescription(/Current: 45 s/);
  await expect(locks).toHaveValue('128');
  await expect(idle).toHaveValue('300');
  await expect(setting(page, 'max_wal_senders')).toHaveCount(0);

  // discarding puts every field back
  await deadlock.fill('2500');
  await expect(bar).toContainText('1 unsaved change');
  await page.getByRole('button', { name: 'Discard' }).click();
  await expect(deadlock).toHaveValue('2000');
  await expect(bar).toContainText('No unsaved changes');

  // back to the default: sent as null, a reload only, and the message says nothing restarted
  await page.getByRole('button', { name: 'Use default for autovacuum.autovacuum_naptime' }).click();
  await expect(naptime).toHaveValue('');
  await save.click();
  await expect(change(dialog, 'autovacuum.autovacuum_naptime')).toContainText('45 s → default (60 s)');
  await expect(dialog).not.toContainText('Applying restarts the database.');
  await dialog.getByRole('button', { name: 'Apply changes' }).click();
  await expect(dialog).toBeHidden();
  await expect(bar.getByRole('status')).toHaveText('Applied 1 setting without restart', { timeout: 30_000 });
  await expect.poll(async () => JSON.stringify((await engine<ServicePg>('GET', `/dbaas-postgres/${name}`)).body['pg-settings'])).not.toContain('autovacuum_naptime');
  await expect(save).toBeDisabled();
  await expect.poll(() => show(sql, uri, 'autovacuum_naptime')).toBe('1min');
});

test('a setting with alternative ranges is checked as typed, and a reload-only change applies without a restart', async ({ page, admin, signIn, engine, waitRunning }) => {
  const name = unique('refused');
  expect((await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2' })).status).toBe(200);
  await waitRunning(name);
  await signIn(page, admin);
  await page.goto(`/services/${name}?tab=settings`);
  await expect(page.getByText('Every setting is at its default. Find one to change with “Add a setting…”, or show all.')).toBeVisible({ timeout: 60_000 });
  // wal_sender_timeout takes 0 or 5000 and more: the form says so before anything is sent
  const timeout = await add(page, 'wal_sender_timeout', 'wal.wal_sender_timeout');
  await timeout.fill('100');
  await expect(timeout).toHaveAccessibleDescription(/^must be 0 or 5000–10800000/);
  await timeout.fill('60000');
  await expect(timeout).toHaveAccessibleDescription(/Current: default/);
  await page.getByRole('button', { name: 'Review and save' }).click();
  const dialog = page.getByRole('dialog', { name: 'Review changes' });
  await expect(dialog).toContainText('These changes are applied with a reload');
  await dialog.getByRole('button', { name: 'Apply changes' }).click();
  await expect(toast(page, `Update ${name}: done`)).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('region', { name: 'Save changes' }).getByRole('status')).toHaveText('Applied 1 setting without restart');
  expect((await engine<ServicePg>('GET', `/dbaas-postgres/${name}`)).body['pg-settings']).toEqual({ wal: { wal_sender_timeout: 60000 } });
});

test('settings chosen in the create form’s advanced section (search and add, defaults only) are set from the start', async ({ page, admin, signIn, waitRunning, sql }) => {
  const name = unique('advanced');
  await signIn(page, admin);
  await page.getByRole('link', { name: 'Create service', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('PostgreSQL version').selectOption('16');
  const radio = page.getByRole('radio', { name: /^hobbyist-2\b/ });
  await radio.locator('xpath=ancestor::label[1]').click();
  await expect(radio).toBeChecked();

  await page.getByText('Advanced settings').click();
  // no wall of fields: nothing but the search until a key is picked
  await expect(page.getByText('Every setting is at its default. Find one to change with “Add a setting…”, or show all.')).toBeVisible();
  await expect(setting(page, 'deadlock_timeout')).toHaveCount(0);
  const deadlock = await add(page, 'deadlock', 'deadlock_timeout');
  // nothing is set on a service that does not exist yet: the default, no current value
  await expect(deadlock).toHaveAccessibleDescription(/Allowed: 500–1800000 ms · Default: 1000 ms$/);
  await deadlock.fill('100');
  await expect(deadlock).toHaveAccessibleDescription('must be at least 500 ms');
  // 18-only keys are not offered for 16, and come back for 18
  await picker(page).fill('io_method');
  await expect(page.getByText('No setting matches “io_method”.')).toBeVisible();
  await page.getByLabel('PostgreSQL version').selectOption('18');
  await expect(await add(page, 'io_method', 'io_method')).toBeVisible();
  await page.getByLabel('PostgreSQL version').selectOption('16');
  await expect(setting(page, 'io_method')).toHaveCount(0);
  await expect(page.getByText(/^1 of \d+ settings changed from their defaults\.$/)).toBeVisible();

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

test('the settings history: a change made in the console shows with its key’s name, and “Revert to this” puts the values before it back through the review', async ({ page, signIn, newKey, engine, waitRunning, sql }) => {
  test.setTimeout(180_000);
  const name = unique('history');
  expect((await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2', 'pg-settings': { deadlock_timeout: 2000 } })).status).toBe(200);
  const { uri = '' } = await waitRunning(name);
  const operator = await newKey('operator');
  await signIn(page, operator);
  await page.goto(`/services/${name}?tab=settings`);
  const deadlock = setting(page, 'deadlock_timeout');
  await expect(deadlock).toBeVisible({ timeout: 60_000 });
  const entries = page.getByRole('list', { name: 'Settings changes, newest first' }).locator(':scope > li');
  const revert = page.getByRole('button', { name: 'Revert to this' });
  // the creation is the first entry: nothing before it to go back to
  await expect(entries).toHaveCount(1);
  await expect(entries.first()).toContainText('created the service');
  await expect(entries.first()).toContainText('pg-settings.deadlock_timeout: default → 2000');
  await expect(revert).toHaveCount(0);

  // one change through the console: a key back to its default, another set (both without a restart)
  await page.getByRole('button', { name: 'Use default for deadlock_timeout' }).click();
  const slow = await add(page, 'log_min_duration', 'log_min_duration_statement');
  await slow.fill('250');
  const save = page.getByRole('button', { name: 'Review and save' });
  const bar = page.getByRole('region', { name: 'Save changes' });
  const dialog = page.getByRole('dialog', { name: 'Review changes' });
  await save.click();
  await dialog.getByRole('button', { name: 'Apply changes' }).click();
  await expect(bar.getByRole('status')).toHaveText('Applied 2 settings without restart', { timeout: 60_000 });
  await expect.poll(() => show(sql, uri, 'log_min_duration_statement')).toBe('250ms');
  await expect.poll(() => show(sql, uri, 'deadlock_timeout')).toBe('1s');

  // in the history, newest first, by the operator's key, each key before → after
  await expect(entries).toHaveCount(2);
  const latest = entries.first();
  await expect(latest).toContainText(operator.name);
  await expect(latest.getByRole('list', { name: 'Changed keys' }).getByRole('listitem')).toHaveText([
    'pg-settings.deadlock_timeout: 2000 → default',
    'pg-settings.log_min_duration_statement: default → 250',
  ]);
  // deadlock_timeout is at its default now: out of the view of what the service sets
  await expect(deadlock).toHaveCount(0);

  // reverting fills the editor, sends nothing: the keys back in the view, counted by the bar
  await latest.getByRole('button', { name: 'Revert to this' }).click();
  await expect(bar).toContainText('2 unsaved changes');
  await expect(page.getByRole('status').filter({ hasText: `2 settings as before the change by ${operator.name}` })).toBeVisible();
  await expect(deadlock).toHaveValue('2000');
  await expect(slow).toHaveValue('');
  expect((await engine<ServicePg>('GET', `/dbaas-postgres/${name}`)).body['pg-settings']).toEqual({ log_min_duration_statement: 250 });

  // the usual review and apply
  await save.click();
  await expect(change(dialog, 'deadlock_timeout')).toContainText('default (1000 ms) → 2000 ms');
  await expect(change(dialog, 'log_min_duration_statement')).toContainText('250 ms → default');
  await dialog.getByRole('button', { name: 'Apply changes' }).click();
  await expect(dialog).toBeHidden();
  await expect.poll(() => show(sql, uri, 'deadlock_timeout'), { timeout: 60_000 }).toBe('2s');
  await expect.poll(() => show(sql, uri, 'log_min_duration_statement')).toBe('-1');
  await expect(bar).toContainText('No unsaved changes');
  // the revert is a change of its own
  await expect(entries).toHaveCount(3, { timeout: 30_000 });
  await expect(entries.first().getByRole('list', { name: 'Changed keys' })).toContainText('pg-settings.deadlock_timeout: default → 2000');
});

test('axe-core finds nothing on the settings tab, its review and the create form’s advanced section, light and dark', async ({ page, admin, signIn, engine, waitRunning }) => {
  test.setTimeout(180_000);
  const name = unique('axed');
  expect((await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2', 'pg-settings': { deadlock_timeout: 2000, jit: false }, 'pgbouncer-settings': { ignore_startup_parameters: ['search_path'] } })).status).toBe(200);
  await waitRunning(name);
  await signIn(page, admin);

  await page.goto(`/services/${name}?tab=settings`);
  await expect(setting(page, 'deadlock_timeout')).toBeVisible({ timeout: 60_000 });
  // a field of each kind on screen, one edited (its reset button and marks), the search list open
  await add(page, 'log_error_verbosity', 'log_error_verbosity');
  await setting(page, 'deadlock_timeout').fill('2500');
  await picker(page).fill('autovacuum');
  await expect(page.getByRole('listbox', { name: 'Matching settings' })).toBeVisible();
  expect(await axeInBothThemes(page)).toEqual([]);
  await picker(page).press('Escape');
  await page.getByRole('button', { name: 'Review and save' }).click();
  await expect(page.getByRole('dialog', { name: 'Review changes' })).toBeVisible();
  expect(await axeInBothThemes(page)).toEqual([]);
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await showAll(page, true);
  await expect(setting(page, 'bgwriter_delay')).toBeVisible();
  expect(await axeInBothThemes(page)).toEqual([]);

  await page.goto('/services/new');
  await page.getByText('Advanced settings').click();
  await add(page, 'deadlock', 'deadlock_timeout');
  await setting(page, 'deadlock_timeout').fill('100');
  expect(await axeInBothThemes(page)).toEqual([]);
  await showAll(page, true);
  await expect(setting(page, 'bgwriter_delay')).toBeVisible();
  expect(await axeInBothThemes(page)).toEqual([]);
});
