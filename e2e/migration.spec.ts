// Migrating data in through the console: a plain PostgreSQL 18 server (the
// global setup's, migration-source.ts) copied by replication into a service
// with the "Migrate data in" wizard. A wrong password first, shown in plain
// words with its fix; then the check passes, the database syncs with its lag,
// a row written on the source arrives, "Stop and cut over" behind its
// confirmation ends it done, and the data is queried on the service. The
// source's password is in no URL, no answer and no log; a viewer sees the
// status without a button.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import pg from 'pg';
import { expect, test } from './fixtures';
import { readMigrationSource } from './migration-source';

/** A name no other test uses (and free of "create": sign-in.spec looks for create links). */
const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

/** SQL on the source as its superuser, over TCP with its password, as the engine reaches it. */
async function onSource(database: string, query: string): Promise<pg.QueryResultRow[]> {
  const s = readMigrationSource();
  const client = new pg.Client({ host: s.host, port: s.port, user: 'postgres', password: s.password, database });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(query)).rows;
  } finally {
    await client.end();
  }
}

const migrationCard = (page: Page) => page.locator('section').filter({ has: page.getByRole('heading', { level: 2, name: 'Migration' }) });

test('migration: replication through the wizard, cut over, the data on the service; the password nowhere; a viewer sees the status only', async ({
  page,
  stack,
  admin,
  signIn,
  newKey,
  engine,
  waitRunning,
  sql,
}) => {
  test.setTimeout(360_000);
  const source = readMigrationSource();
  const name = unique('migrated');
  const db = `shop_${Math.random().toString(36).slice(2, 8)}`;
  expect((await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2', version: '18' })).status).toBe(200);
  await onSource('postgres', `CREATE DATABASE ${db}`);
  await onSource(db, 'CREATE TABLE items (id bigserial PRIMARY KEY, name text NOT NULL)');
  await onSource(db, "INSERT INTO items (name) SELECT 'item ' || g FROM generate_series(1, 500) g");
  const { uri = '' } = await waitRunning(name);

  // every URL the browser asks for and every answer it gets, read as they come
  const seen: Promise<string>[] = [];
  page.on('response', (r) => seen.push(r.body().then((b) => `${r.url()}\n${b.toString('utf8')}`, () => r.url())));

  await signIn(page, admin);
  await page.goto(`/services/${name}`);
  await expect(migrationCard(page)).toContainText('Copy the databases of an existing PostgreSQL server into this service');
  await migrationCard(page).getByRole('button', { name: 'Migrate data in…' }).click();
  const dialog = page.getByRole('dialog', { name: `Migrate data into ${name}` });
  await dialog.getByLabel('Source host').fill(source.host);
  await dialog.getByLabel('Port').fill(String(source.port));
  await dialog.getByLabel('Source user').fill('postgres');
  await dialog.getByLabel('Source password').fill('not-the-password');
  // the template's defaultdb is on both sides: it stays behind
  await dialog.getByLabel('Databases to skip').fill('defaultdb');
  // the source has no TLS: the switch's label is what a mouse clicks
  await dialog.getByText('Use TLS', { exact: true }).click();
  await expect(dialog.getByRole('switch', { name: /^Use TLS/ })).not.toBeChecked();
  await expect(dialog.getByLabel('Certificate check')).toHaveCount(0);
  await dialog.getByLabel('Method').selectOption('replication');

  // a wrong password: the problem in plain words, with its fix, and no way to start
  const check = dialog.getByRole('button', { name: /^Check( again)?$/ });
  await check.click();
  const result = dialog.getByRole('region', { name: 'Check result' });
  await expect(result.getByRole('status')).toHaveText(/^The check found (a problem|\d+ problems) to fix before migrating\.$/, { timeout: 90_000 });
  const blockers = result.getByRole('region', { name: 'Blockers in the service' });
  await expect(blockers).toContainText('The source refused the user name or the password.');
  await expect(blockers).toContainText('To fix: Check both, and that the source’s pg_hba.conf lets this user connect');
  await expect(result.getByRole('button', { name: 'Start the migration' })).toHaveCount(0);

  // the right one: a change drops the result; then nothing stops it, and the database goes by replication
  await dialog.getByLabel('Source password').fill(source.password);
  await expect(result).toHaveCount(0);
  await check.click();
  await expect(result.getByRole('status')).toHaveText('The check passed: nothing stops the migration.', { timeout: 90_000 });
  await expect(result).toContainText(`How each database is copied: replication for ${db}`);
  await expect(result.getByRole('region', { name: 'Notices' })).toContainText('Sequences are not replicated: they are set from the source at the cut-over.');
  await result.getByRole('button', { name: 'Start the migration' }).click();

  // live: the form (and its password) gone, the database copied, then syncing with its lag
  await expect(dialog.getByLabel('Source password')).toHaveCount(0);
  const row = dialog.getByRole('table', { name: 'Migrated databases' }).getByRole('row').filter({ hasText: db });
  await expect(row).toContainText(/syncing, lag \d+(\.\d)? (bytes|KiB|MiB)/, { timeout: 240_000 });
  await expect(row).toContainText('replication');

  // written on the source while syncing: it arrives with the cut-over at the latest
  await onSource(db, "INSERT INTO items (name) VALUES ('written while syncing')");

  await dialog.getByRole('button', { name: 'Stop and cut over…' }).click();
  const confirm = page.getByRole('dialog', { name: `Stop and cut over to ${name}?` });
  await expect(confirm).toContainText('Stop writing to the source first.');
  await confirm.getByRole('button', { name: 'Stop and cut over' }).click();
  await expect(confirm).toBeHidden();
  await expect(row).toContainText('done', { timeout: 120_000 });
  await expect(dialog).toContainText('Done: the data is in this service, and the service is writable.');
  await expect(dialog.getByRole('button', { name: /Stop/ })).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();

  // on the service: every row, the late one too; writable, its sequence past the source's
  const target = new URL(uri);
  target.pathname = `/${db}`;
  expect(await sql(target.toString(), "SELECT count(*)::int AS n, count(*) FILTER (WHERE name = 'written while syncing')::int AS late FROM items")).toEqual([{ n: 501, late: 1 }]);
  expect(await sql(target.toString(), "INSERT INTO items (name) VALUES ('after the cut-over') RETURNING id::int")).toEqual([{ id: 502 }]);

  // the overview's card, rendered on the server, says the same
  await page.reload();
  const card = migrationCard(page);
  await expect(card).toContainText('Done: the data is in this service');
  await expect(card.getByRole('table', { name: 'Migrated databases' }).getByRole('row').filter({ hasText: db })).toContainText('done');
  await expect(card.getByRole('button', { name: 'Migrate data in…' })).toBeVisible();

  // the source's password (and the wrong one) in no URL, no answer, no log
  const texts = [...(await Promise.all(seen)), readFileSync(join(stack.dataDir, 'console.log'), 'utf8'), readFileSync(join(stack.dataDir, 'engine.log'), 'utf8')];
  for (const secret of [source.password, 'not-the-password']) expect(texts.filter((t) => t.includes(secret)).map((t) => t.slice(0, 120))).toEqual([]);

  // a viewer: the status, and no button
  await page.context().clearCookies();
  await signIn(page, await newKey('viewer'));
  await page.goto(`/services/${name}`);
  const viewed = migrationCard(page);
  await expect(viewed.getByRole('table', { name: 'Migrated databases' }).getByRole('row').filter({ hasText: db })).toContainText('done');
  await expect(viewed.getByRole('button')).toHaveCount(0);
});

test('create form: "Migrate from an existing server" copies a database by dump, and the new service’s page shows it done', async ({ page, admin, signIn, waitRunning, sql }) => {
  test.setTimeout(240_000);
  const source = readMigrationSource();
  const name = unique('moved');
  const db = `ledger_${Math.random().toString(36).slice(2, 8)}`;
  await onSource('postgres', `CREATE DATABASE ${db}`);
  await onSource(db, 'CREATE TABLE entries (id int PRIMARY KEY, amount numeric NOT NULL)');
  await onSource(db, 'INSERT INTO entries SELECT g, g * 1.5 FROM generate_series(1, 300) g');
  // only this test's database: the others on the source (defaultdb, other tests') are skipped
  const [{ others }] = (await onSource('postgres', `SELECT string_agg(datname, ',') AS others FROM pg_database WHERE NOT datistemplate AND datname NOT IN ('postgres', '${db}')`)) as [{ others: string }];

  await signIn(page, admin);
  await page.goto('/services/new');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('radio', { name: /^hobbyist-2\b/ }).locator('xpath=ancestor::label[1]').click();
  await expect(page.getByLabel('Source host')).toHaveCount(0);
  await page.getByText('Migrate from an existing server', { exact: true }).click();
  // a source is wanted now: its host is checked before anything is sent
  await page.getByRole('button', { name: 'Create service' }).click();
  await expect(page.getByLabel('Source host')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Source host').fill(source.host);
  await page.getByLabel('Port', { exact: true }).fill(String(source.port));
  await page.getByLabel('Source user').fill('postgres');
  await page.getByLabel('Source password').fill(source.password);
  await page.getByLabel('Databases to skip').fill(others);
  await page.getByText('Use TLS', { exact: true }).click();
  await page.getByLabel('Method').selectOption('dump');
  await page.getByRole('button', { name: 'Create service' }).click();

  await expect(page).toHaveURL(new RegExp(`/services/${name}$`));
  const row = migrationCard(page).getByRole('table', { name: 'Migrated databases' }).getByRole('row').filter({ hasText: db });
  await expect(row).toContainText('done', { timeout: 180_000 });
  await expect(row).toContainText('dump');
  const { uri = '' } = await waitRunning(name);
  const target = new URL(uri);
  target.pathname = `/${db}`;
  expect(await sql(target.toString(), 'SELECT count(*)::int AS n, sum(amount)::text AS total FROM entries')).toEqual([{ n: 300, total: '67725.0' }]);
});
