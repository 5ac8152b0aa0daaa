// The API secret never reaches the browser: not in any response (HTML, JS,
// JSON, headers), not in a cookie scripts can read, not in storage.
import { expect, test } from './fixtures';

test('the API secret appears in nothing the browser receives', async ({ page, admin, signIn, engine, waitRunning }) => {
  await engine('POST', '/dbaas-postgres/leakcheck', { plan: 'hobbyist-2' });
  await waitRunning('leakcheck');

  const seen: string[] = [];
  page.on('response', async (res) => {
    const headers = JSON.stringify(await res.allHeaders());
    const body = await res.body().catch(() => Buffer.alloc(0));
    seen.push(`${res.url()}\n${headers}\n${body.toString('utf8')}`);
  });

  await signIn(page, admin);
  await page.getByRole('link', { name: 'leakcheck' }).click();
  await expect(page.getByRole('heading', { name: 'leakcheck' })).toBeVisible();
  await page.goto('/services/leakcheck?tab=users');
  await page.goto('/services/leakcheck?tab=databases');
  await page.goto('/services/new');
  await page.waitForLoadState('networkidle');

  expect(seen.length).toBeGreaterThan(10);
  const leaks = seen.filter((text) => text.includes(admin.secret));
  expect(leaks.map((t) => t.split('\n')[0])).toEqual([]);

  const script = await page.evaluate(() => ({
    cookies: document.cookie,
    local: JSON.stringify({ ...localStorage }),
    session: JSON.stringify({ ...sessionStorage }),
    html: document.documentElement.outerHTML,
  }));
  expect(script.cookies).not.toContain('pgdeck_session');
  for (const value of Object.values(script)) expect(value).not.toContain(admin.secret);

  const cookie = (await page.context().cookies()).find((c) => c.name === 'pgdeck_session');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
  expect(cookie?.value).not.toContain(admin.secret);
  expect(cookie?.value).not.toContain(admin.key);
});
