// Signing in and out, with good and bad keys, and what each role sees.
import { expect, test } from './fixtures';

test('a good key signs in, shows the services list, and signs out', async ({ page, admin, signIn }) => {
  await signIn(page, admin);
  await expect(page.getByRole('heading', { name: 'Services' })).toBeVisible();
  await expect(page.getByText(admin.key)).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto('/services');
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('a wrong secret is refused with the upstream message, and nothing is signed in', async ({ page, admin }) => {
  await page.goto('/sign-in');
  await page.getByLabel('API key').fill(admin.key);
  await page.getByLabel('API secret').fill('not-the-secret');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText(/signature mismatch/)).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in$/);
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === 'pgdeck_session')).toBeUndefined();
});

test('an unknown key and an empty form are refused before or by the upstream', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('enter your API key')).toBeVisible();
  await page.getByLabel('API key').fill('EXOdoesnotexist');
  await page.getByLabel('API secret').fill('whatever');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText(/unknown or revoked API key/)).toBeVisible();
});

test('a viewer key sees read-only pages: no create button', async ({ page, newKey, signIn }) => {
  await signIn(page, await newKey('viewer'));
  await expect(page.getByText('read-only key')).toBeVisible();
  await expect(page.getByRole('link', { name: /^Create (service|your first service)$/ })).toHaveCount(0);
});
