// A service's databases and users through its tabs, each change checked in
// PostgreSQL itself: pg_database, pg_roles and logging in with the passwords
// the page reveals.
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** A name no other test uses (and free of "create": sign-in.spec looks for create links). */
const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * Sets a switch or radio the way a mouse user does: the inputs are visually
 * hidden (sr-only) inside their label, so the label is what gets clicked.
 */
async function choose(control: Locator, on = true): Promise<void> {
  if ((await control.isChecked()) !== on) await control.locator('xpath=ancestor::label[1]').click();
  await expect(control).toBeChecked({ checked: on });
}

const toast = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text });

/** The admin URI, rewritten for another user and password. */
function uriFor(adminUri: string, username: string, password: string): string {
  const url = new URL(adminUri);
  url.username = encodeURIComponent(username);
  url.password = encodeURIComponent(password);
  return url.toString();
}

test('databases: created with a locale for real, an unknown locale refused beside its field, deleted after confirming', async ({ page, admin, signIn, engine, waitRunning, sql }) => {
  const name = unique('dbs');
  const database = `orders_${Math.random().toString(36).slice(2, 6)}`;
  await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2' });
  const { uri: adminUri = '' } = await waitRunning(name);
  const inPg = (db: string) => sql(adminUri, `select datname, datcollate, datctype from pg_database where datname = '${db}'`);

  await signIn(page, admin);
  await page.goto(`/services/${name}`);
  await page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name: 'Databases' }).click();
  await expect(page).toHaveURL(new RegExp(`/services/${name}\\?tab=databases$`));
  const list = page.getByRole('list', { name: `Databases of ${name}` });
  const item = (db: string) => list.getByRole('listitem').filter({ has: page.getByText(db, { exact: true }) });
  await expect(item('defaultdb')).toBeVisible();

  // the default database offers no delete
  await expect(item('defaultdb')).toContainText('The default database cannot be deleted');
  await expect(item('defaultdb').getByRole('button')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Delete database defaultdb' })).toHaveCount(0);

  // an unknown locale: the engine's message beside the collation field
  await page.getByRole('button', { name: 'Create database' }).click();
  let dialog = page.getByRole('dialog', { name: 'Create database' });
  await dialog.getByLabel('Name', { exact: true }).fill(database);
  const collation = dialog.getByLabel('Collation (LC_COLLATE)');
  await collation.fill('xx_XX.UTF-8');
  await dialog.getByRole('button', { name: 'Create database' }).click();
  await expect(collation).toHaveAttribute('aria-invalid', 'true');
  await expect(collation).toHaveAccessibleDescription(/locale "xx_XX\.UTF-8" is not installed on this machine/);
  await expect(collation).toBeFocused();
  await expect(dialog).toBeVisible();
  expect(await inPg(database)).toEqual([]);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(item(database)).toHaveCount(0);

  // a good locale: created, listed, and real
  await page.getByRole('button', { name: 'Create database' }).click();
  dialog = page.getByRole('dialog', { name: 'Create database' });
  await expect(dialog.getByLabel('Collation (LC_COLLATE)')).toHaveValue('');
  await dialog.getByLabel('Name', { exact: true }).fill(database);
  await dialog.getByLabel('Collation (LC_COLLATE)').fill('en_US.UTF-8');
  await dialog.getByLabel('Character classification (LC_CTYPE)').fill('en_US.UTF-8');
  await dialog.getByRole('button', { name: 'Create database' }).click();
  await expect(dialog).toBeHidden();
  await expect(toast(page, `Create database ${database}: done`)).toBeVisible();
  await expect(item(database)).toBeVisible();
  expect(await inPg(database)).toEqual([{ datname: database, datcollate: 'en_US.UTF-8', datctype: 'en_US.UTF-8' }]);
  // and the admin can connect to it
  const inDb = new URL(adminUri);
  inDb.pathname = `/${database}`;
  expect((await sql(inDb.toString(), 'select current_database() as db'))[0]?.db).toBe(database);

  // deleting asks first; cancelling keeps it
  await item(database).getByRole('button', { name: `Delete database ${database}` }).click();
  const confirm = page.getByRole('dialog', { name: `Delete database ${database}` });
  await expect(confirm).toContainText('This cannot be undone.');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toBeHidden();
  expect(await inPg(database)).toHaveLength(1);

  await item(database).getByRole('button', { name: `Delete database ${database}` }).click();
  await confirm.getByRole('button', { name: 'Delete database', exact: true }).click();
  await expect(confirm).toBeHidden();
  await expect(toast(page, `Delete database ${database}: done`)).toBeVisible();
  await expect(item(database)).toHaveCount(0);
  await expect(item('defaultdb')).toBeVisible();
  expect(await inPg(database)).toEqual([]);
});

test('users: created with replication, passwords revealed, reset (typed and generated), replication off, deleted', async ({ page, admin, signIn, engine, waitRunning, sql }) => {
  const name = unique('users');
  const user = `app_${Math.random().toString(36).slice(2, 6)}`;
  await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2' });
  const { uri: adminUri = '' } = await waitRunning(name);
  const role = async () =>
    (await sql(adminUri, `select rolname, rolreplication, rolcanlogin from pg_roles where rolname = '${user}'`))[0] as
      | { rolname: string; rolreplication: boolean; rolcanlogin: boolean }
      | undefined;
  const whoAmI = async (password: string) => (await sql(uriFor(adminUri, user, password), 'select current_user as me'))[0]?.me as string;

  await signIn(page, admin);
  await page.goto(`/services/${name}`);
  await page.getByRole('navigation', { name: 'Service sections' }).getByRole('link', { name: 'Users' }).click();
  await expect(page).toHaveURL(new RegExp(`/services/${name}\\?tab=users$`));
  const table = page.getByRole('table', { name: `Users of ${name}` });
  const row = (username: string) => table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: username, exact: true }) });
  await expect(row('avnadmin')).toBeVisible();

  // the admin user: no delete, but its password can be reset
  await expect(row('avnadmin')).toContainText('admin');
  await expect(page.getByRole('button', { name: 'Delete user avnadmin' })).toHaveCount(0);
  await expect(row('avnadmin').getByRole('button', { name: 'Reset password of avnadmin' })).toBeVisible();

  // create, with replication allowed; the generated password is revealed in the dialog
  await page.getByRole('button', { name: 'Create user' }).click();
  let dialog = page.getByRole('dialog', { name: 'Create user' });
  await dialog.getByLabel('Username').fill(user);
  await choose(dialog.getByRole('switch', { name: /^Allow replication/ }));
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await expect(dialog.getByRole('status')).toContainText(`User ${user} was created with a generated password.`);
  await dialog.getByRole('button', { name: `Reveal password of ${user}` }).click();
  const revealedInDialog = dialog.getByRole('textbox', { name: `Password of ${user}` });
  await expect(revealedInDialog).toHaveValue(/^[A-Za-z0-9_-]{8,}$/);
  const generated = await revealedInDialog.inputValue();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();

  await expect(row(user)).toBeVisible();
  await expect(row(user)).toContainText('normal');
  await expect(row(user).getByRole('switch', { name: `Allow replication for ${user}` })).toBeChecked();
  expect(await role()).toEqual({ rolname: user, rolreplication: true, rolcanlogin: true });
  expect(await whoAmI(generated)).toBe(user);

  // the table reveals the same password, and hides it again
  await row(user).getByRole('button', { name: `Reveal password of ${user}` }).click();
  await expect(row(user).getByRole('textbox', { name: `Password of ${user}` })).toHaveValue(generated);
  await row(user).getByRole('button', { name: `Hide password of ${user}` }).click();
  await expect(row(user).getByRole('textbox', { name: `Password of ${user}` })).toHaveCount(0);

  // reset with a typed password: the new one logs in, the old one is refused
  const typed = `Typed_${Math.random().toString(36).slice(2, 12)}`;
  await row(user).getByRole('button', { name: `Reset password of ${user}` }).click();
  dialog = page.getByRole('dialog', { name: `Reset password of ${user}` });
  await choose(dialog.getByRole('radio', { name: 'Type a new one' }));
  const newPassword = dialog.getByLabel('Password', { exact: true });
  await newPassword.fill('short');
  await dialog.getByRole('button', { name: 'Reset password' }).click();
  await expect(newPassword).toHaveAccessibleDescription('must be at least 8 characters');
  await newPassword.fill(typed);
  await dialog.getByRole('button', { name: 'Reset password' }).click();
  await expect(dialog.getByRole('status')).toContainText(`The password of ${user} was reset.`);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();
  expect(await whoAmI(typed)).toBe(user);
  await expect(whoAmI(generated)).rejects.toThrow(`password authentication failed for user "${user}"`);

  // reset with a generated one, revealed right in the dialog
  await row(user).getByRole('button', { name: `Reset password of ${user}` }).click();
  await expect(dialog.getByRole('radio', { name: /^Generate a strong one/ })).toBeChecked();
  await dialog.getByRole('button', { name: 'Reset password' }).click();
  await expect(dialog.getByRole('status')).toContainText(`The password of ${user} was reset.`);
  await dialog.getByRole('button', { name: `Reveal password of ${user}` }).click();
  const regenerated = await (async () => {
    const box = dialog.getByRole('textbox', { name: `Password of ${user}` });
    await expect(box).toHaveValue(/^[A-Za-z0-9_-]{24}$/);
    return box.inputValue();
  })();
  expect(regenerated).not.toBe(typed);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();
  expect(await whoAmI(regenerated)).toBe(user);
  await expect(whoAmI(typed)).rejects.toThrow(`password authentication failed for user "${user}"`);

  // replication off
  const replication = row(user).getByRole('switch', { name: `Allow replication for ${user}` });
  await choose(replication, false);
  await expect(toast(page, `Forbid replication for ${user}: done`)).toBeVisible();
  await expect(replication).toBeEnabled();
  await expect(replication).not.toBeChecked();
  expect((await role())?.rolreplication).toBe(false);
  // still the same user otherwise
  expect(await whoAmI(regenerated)).toBe(user);

  // delete, after confirming
  await row(user).getByRole('button', { name: `Delete user ${user}` }).click();
  const confirm = page.getByRole('dialog', { name: `Delete user ${user}` });
  await expect(confirm).toContainText('This cannot be undone.');
  await confirm.getByRole('button', { name: 'Delete user', exact: true }).click();
  await expect(confirm).toBeHidden();
  await expect(toast(page, `Delete user ${user}: done`)).toBeVisible();
  await expect(row(user)).toHaveCount(0);
  expect(await role()).toBeUndefined();
  await expect(whoAmI(regenerated)).rejects.toThrow(/password authentication failed|role .* does not exist/);
  await expect(row('avnadmin')).toBeVisible();
});
