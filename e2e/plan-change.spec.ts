// Plan changes in the console (issue 15): "Change plan…" beside the plan on the
// overview opens a picker with the current plan marked and what the move does
// (figures, the memory-derived parameters, the restart); a review; then the
// operation followed to its end, the new plan on the page and in PostgreSQL. A
// change the upstream refuses (the data grew past the smaller plan's disk while
// it was reviewed) shows the upstream's reason and leaves the service as it was,
// and the picker says so before the next review. A viewer has no such control.
// The dialog has no axe violations, light or dark.
import { rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import type { ServicePg } from '../lib/schemas/service';
import type { ServiceType } from '../lib/schemas/service-type';
import { expect, test, type Fixtures } from './fixtures';
import { nodeOnPort } from './nodes-on-disk';

/** A name no other test uses (and free of "create": sign-in.spec looks for create links). */
const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

async function runningService({ engine, waitRunning }: Pick<Fixtures, 'engine' | 'waitRunning'>, name: string, plan: string): Promise<ServicePg> {
  expect((await engine('POST', `/dbaas-postgres/${name}`, { plan })).status).toBe(200);
  return waitRunning(name);
}

const overview = (page: Page) => page.locator('section').filter({ has: page.getByRole('heading', { level: 2, name: 'Overview' }) });
const planRadio = (scope: Locator, plan: string) => scope.getByRole('radio', { name: new RegExp(`^${plan}\\b`) });
const planCard = (scope: Locator, plan: string) => planRadio(scope, plan).locator('xpath=ancestor::label[1]');

/** Chooses a plan the way a mouse user does: the radio is visually hidden inside its card. */
async function choosePlan(dialog: Locator, plan: string): Promise<void> {
  await planCard(dialog, plan).click();
  await expect(planRadio(dialog, plan)).toBeChecked();
}

/** axe on the open dialog, in the light and the dark scheme: no violations. */
async function expectNoAxeViolations(page: Page): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const { violations, passes } = await new AxeBuilder({ page }).include('dialog[open]').analyze();
    // the dialog was looked at: rules passed on it
    expect(passes.length).toBeGreaterThan(10);
    expect(violations.map((v) => `${colorScheme}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

async function openPlanChange(page: Page, name: string): Promise<Locator> {
  await page.goto(`/services/${name}`);
  await overview(page).getByRole('button', { name: 'Change plan…' }).click();
  const dialog = page.getByRole('dialog', { name: `Change the plan of ${name}` });
  await expect(dialog).toBeVisible();
  return dialog;
}

test('hobbyist-2 → startup-4 through the console: previewed, reviewed, followed to its end, and made in PostgreSQL', async ({ page, admin, signIn, engine, waitRunning, sql }) => {
  test.setTimeout(180_000);
  const name = unique('plan');
  const svc = await runningService({ engine, waitRunning }, name, 'hobbyist-2');
  const settings = `SELECT current_setting('shared_buffers') AS sb, current_setting('max_connections') AS mc, pg_postmaster_start_time()::text AS started`;
  const [before] = await sql(svc.uri ?? '', settings);
  expect(before).toMatchObject({ sb: '512MB', mc: '50' });

  await signIn(page, admin);
  const dialog = await openPlanChange(page, name);
  // every plan the upstream lists, the ones it authorizes choosable, the current one checked, marked and focused
  const type = (await engine<ServiceType>('GET', '/dbaas-service-type/pg')).body;
  expect(type.plans.length).toBeGreaterThan(1);
  for (const p of type.plans) {
    if (p.authorized === false) await expect(planRadio(dialog, p.name)).toBeDisabled();
    else await expect(planRadio(dialog, p.name)).toBeEnabled();
  }
  await expect(planRadio(dialog, 'hobbyist-2')).toBeChecked();
  await expect(planRadio(dialog, 'hobbyist-2')).toBeFocused();
  await expect(planCard(dialog, 'hobbyist-2')).toContainText('current');
  await expect(planCard(dialog, 'startup-4')).not.toContainText('current');
  await expect(planCard(dialog, 'business-4')).toContainText('2 nodes · automatic failover');
  await expect(planCard(dialog, 'business-4')).toContainText('keeps 14 backups');
  await expect(dialog.getByRole('button', { name: 'Review change' })).toBeDisabled();
  await expectNoAxeViolations(page);

  // what the move does, as the engine works it out: memory-derived parameters, and the restart they need
  await choosePlan(dialog, 'startup-4');
  await expect(dialog.getByRole('heading', { name: 'What changes with startup-4' })).toBeVisible();
  const figures = dialog.getByRole('table', { name: 'hobbyist-2 and startup-4 side by side' });
  await expect(figures.getByRole('row', { name: /^Memory per node/ })).toHaveText(/Memory per node\s*2 GiB\s*4 GiB/);
  await expect(figures.getByRole('row', { name: /^Disk/ })).toHaveText(/Disk\s*8 GiB\s*80 GiB/);
  await expect(figures.getByRole('row', { name: /^Nodes/ })).toHaveText(/Nodes\s*1\s*1/);
  const parameters = dialog.getByRole('list', { name: 'PostgreSQL parameters that follow the plan' });
  await expect(parameters.getByRole('listitem').filter({ hasText: 'shared_buffers' })).toHaveText(/shared_buffers\s*512MB → 1024MB\s*restarts PostgreSQL/);
  await expect(parameters.getByRole('listitem').filter({ hasText: 'max_connections' })).toHaveText(/max_connections\s*50 → 100\s*restarts PostgreSQL/);
  await expect(parameters.getByRole('listitem').filter({ hasText: 'effective_cache_size' })).not.toContainText('restarts');
  await expect(dialog.getByText(/^PostgreSQL restarts to apply .*shared_buffers.*: open connections are dropped/)).toBeVisible();
  await expectNoAxeViolations(page);

  // the review, by keyboard from the radio: Enter submits the choice
  await planRadio(dialog, 'startup-4').press('Enter');
  const review = dialog.getByRole('heading', { name: 'Review: hobbyist-2 → startup-4' });
  await expect(review).toBeFocused();
  await expect(dialog.getByText('This change restarts PostgreSQL.')).toBeVisible();
  await expectNoAxeViolations(page);
  await dialog.getByRole('button', { name: 'Change plan and restart' }).click();

  // followed until done, in the dialog (with what the engine did) and in the page's live region (outside the modal
  // dialog, so out of the accessibility tree while it is open: found by its state)
  await expect(dialog.getByText('The service runs startup-4.')).toBeVisible({ timeout: 90_000 });
  await expect(dialog.getByText(/^Done: restarted PostgreSQL to apply .*shared_buffers/)).toBeVisible();
  await expect(page.locator('[aria-live] [data-state="success"]').filter({ hasText: `Change ${name} to startup-4: done` })).toBeVisible();
  await expectNoAxeViolations(page);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  await expect(overview(page).getByRole('definition').filter({ hasText: /^startup-4/ })).toBeVisible();
  await expect(overview(page).getByRole('definition').filter({ hasText: /^4 GiB$/ })).toBeVisible();

  // really changed: the engine's service and PostgreSQL itself, restarted
  const after = (await engine<ServicePg>('GET', `/dbaas-postgres/${name}`)).body;
  expect(after).toMatchObject({ plan: 'startup-4', 'node-memory': 4 * 1024 ** 3, 'max-connections': 100, state: 'running' });
  const [now] = await sql(after.uri ?? '', settings);
  expect(now).toMatchObject({ sb: '1GB', mc: '100' });
  expect(now?.started).not.toBe(before?.started);
});

test('a change the upstream refuses shows its reason and changes nothing; the picker then says so before a review', async ({ page, admin, signIn, engine, waitRunning, sql, stack }) => {
  test.setTimeout(180_000);
  const name = unique('refuse');
  const svc = await runningService({ engine, waitRunning }, name, 'startup-4');
  await signIn(page, admin);
  const dialog = await openPlanChange(page, name);
  await choosePlan(dialog, 'hobbyist-2');
  await expect(dialog.getByText('The upstream refuses this change now.')).toHaveCount(0);
  await expect(dialog.getByText(/^The service holds .* now \(databases .*\); hobbyist-2 has 8 GiB of disk\.$/)).toBeVisible();
  await dialog.getByRole('button', { name: 'Review change' }).click();
  await expect(dialog.getByRole('heading', { name: 'Review: startup-4 → hobbyist-2' })).toBeFocused();

  // while it is reviewed, the service comes to hold 9 GiB: a sparse file beside defaultdb's relations, which
  // PostgreSQL's pg_database_size counts by its length (no test writes 9 GiB); after the first base backup, which
  // would copy it
  await expect.poll(async () => (await engine<ServicePg>('GET', `/dbaas-postgres/${name}`)).body.backups?.length ?? 0, { timeout: 60_000 }).toBeGreaterThan(0);
  const [{ oid }] = (await sql(svc.uri ?? '', "SELECT oid::int FROM pg_database WHERE datname = 'defaultdb'")) as [{ oid: number }];
  const pad = join(nodeOnPort(stack.dataDir, svc['uri-params']?.port ?? '').dataDir, 'base', String(oid), '999999999');
  writeFileSync(pad, '');
  truncateSync(pad, 9 * 1024 ** 3);
  try {
    await dialog.getByRole('button', { name: 'Change plan and restart' }).click();
    const refusal = dialog.getByRole('alert').filter({ hasText: 'The upstream refused the change.' });
    await expect(refusal).toContainText(/hobbyist-2 has 8 GiB of disk, less than the 9\.\d GiB .* holds \(databases 9\.\d GiB, WAL \d+ MiB, backups [\d.]+ [MG]iB\): free space first, or choose a plan with more disk/);
    await expectNoAxeViolations(page);
    const kept = (await engine<ServicePg>('GET', `/dbaas-postgres/${name}`)).body;
    expect(kept).toMatchObject({ plan: 'startup-4', state: 'running' });
    expect(await sql(svc.uri ?? '', "SELECT current_setting('shared_buffers') AS sb")).toEqual([{ sb: '1GB' }]);

    // back in the picker the upstream's preview says it before any review
    await dialog.getByRole('button', { name: 'Back' }).click();
    await expect(planRadio(dialog, 'hobbyist-2')).toBeFocused();
    await expect(dialog.getByRole('alert').filter({ hasText: 'The upstream refuses this change now.' })).toContainText('hobbyist-2 has 8 GiB of disk');
    await expect(dialog.getByRole('button', { name: 'Review change' })).toBeDisabled();
    // a plan with the same disk is not measured against it
    await choosePlan(dialog, 'business-4');
    await expect(dialog.getByText('The upstream refuses this change now.')).toHaveCount(0);
    await expect(dialog.getByText(/1 standby is added, copied online from the master, which keeps serving\. From then on, a failed master fails over/)).toBeVisible();
    await expect(dialog.getByText('PostgreSQL’s settings stay as they are: it does not restart.')).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Review change' })).toBeEnabled();
  } finally {
    rmSync(pad, { force: true });
  }
  // Escape closes it, and focus goes back to the button
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(overview(page).getByRole('button', { name: 'Change plan…' })).toBeFocused();
});

test('a viewer sees the plan and no control to change it', async ({ page, signIn, newKey, engine, waitRunning }) => {
  const name = unique('planview');
  await runningService({ engine, waitRunning }, name, 'hobbyist-2');
  await signIn(page, await newKey('viewer'));
  await page.goto(`/services/${name}`);
  await expect(overview(page).getByRole('definition').filter({ hasText: /^hobbyist-2$/ })).toBeVisible();
  await expect(page.getByRole('button', { name: /plan/i })).toHaveCount(0);
});
