// High availability in the console: a business-4 service created with the
// form runs a master and a standby, both reach running in the Nodes panel, and
// the standby's read-only URI shows in the Connection card (and refuses
// writes); the synchronous switch is open only to plans of 3 nodes. A one-node
// service shows its master alone and no read-only URI, at 390 px. A master the
// test hangs (SIGSTOP of its postmaster) fails over after the 10 s window: the
// panel shows the roles swapped and the failover with its duration.
import type { Locator, Page } from '@playwright/test';
import type { ServicePg } from '../lib/schemas/service';
import { expect, test } from './fixtures';
import { nodeOnPort } from './nodes-on-disk';

/** A name no other test uses (and free of "create": sign-in.spec looks for create links). */
const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

/** Radios and switches are visually hidden inside their label: the label is what a mouse user clicks. */
async function choose(control: Locator): Promise<void> {
  if (!(await control.isChecked())) await control.locator('xpath=ancestor::label[1]').click();
  await expect(control).toBeChecked();
}

const nodeRows = (page: Page) => page.getByRole('list', { name: 'Nodes' }).getByRole('listitem');
const nodeRow = (page: Page, role: 'master' | 'standby') => nodeRows(page).filter({ hasText: `Role: ${role}` });
const syncSwitch = (page: Page) => page.getByRole('switch', { name: /^Synchronous replication/ });
const planCard = (page: Page, plan: string) => page.getByRole('radio', { name: new RegExp(`^${plan}\\b`) }).locator('xpath=ancestor::label[1]');

test('a business-4 service made with the form runs a master and a standby; the standby\'s read-only URI is offered', async ({ page, admin, signIn, engine, sql }) => {
  test.setTimeout(300_000);
  const name = unique('ha');
  await signIn(page, admin);
  await page.goto('/services/new');
  await page.getByLabel('Name', { exact: true }).fill(name);

  // what each plan gives; quorum only with 3 nodes
  await expect(planCard(page, 'business-4')).toContainText('2 nodes · automatic failover');
  await expect(planCard(page, 'premium-4')).toContainText('3 nodes · automatic failover · synchronous quorum available');
  await choose(page.getByRole('radio', { name: /^premium-4\b/ }));
  await expect(syncSwitch(page)).toBeEnabled();
  await choose(page.getByRole('radio', { name: /^business-4\b/ }));
  await expect(syncSwitch(page)).toBeDisabled();
  await expect(syncSwitch(page)).not.toBeChecked();
  await page.getByRole('button', { name: 'Create service' }).click();

  await expect(page).toHaveURL(new RegExp(`/services/${name}$`));
  await expect(nodeRows(page)).toHaveCount(2, { timeout: 60_000 });
  await expect(nodeRow(page, 'master')).toContainText('State: running', { timeout: 90_000 });
  // the page refreshes itself every 2 s while a node is on its way: no reload
  await expect(nodeRow(page, 'standby')).toContainText('State: running', { timeout: 180_000 });
  await expect(nodeRow(page, 'standby')).toContainText(/Lag:\s*\d/);

  const { body } = await engine<ServicePg>('GET', `/dbaas-postgres/${name}`);
  const [standbyUri = ''] = body['connection-info']?.standby ?? [];
  const port = new URL(standbyUri).port;
  const readOnly = page.getByRole('code').filter({ hasText: new RegExp(`^postgres://[^@]*@[^/]*:${port}/`) });
  await expect(page.getByRole('heading', { name: 'Read-only URIs (standbys)' })).toBeVisible();
  await expect(readOnly).toContainText(':•••@');
  expect(await sql(standbyUri, 'SELECT pg_is_in_recovery() AS standby')).toEqual([{ standby: true }]);
});

test('a one-node service: its master alone, no read-only URI, no synchronous switch; at 390 px', async ({ page, admin, signIn, engine, waitRunning }) => {
  const name = unique('single');
  expect((await engine('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2' })).status).toBe(200);
  await waitRunning(name);

  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, admin);
  await page.goto(`/services/${name}`);
  await expect(nodeRows(page)).toHaveCount(1);
  await expect(nodeRow(page, 'master')).toContainText('State: running');
  await expect(nodeRow(page, 'master')).not.toContainText('Lag');
  await expect(page.getByRole('heading', { name: 'Read-only URIs (standbys)' })).toHaveCount(0);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('button', { name: 'Review and save' })).toBeVisible();
  await expect(syncSwitch(page)).toHaveCount(0);

  // on the create form: the plans say what they give, and a one-node plan leaves the switch off
  await page.goto('/services/new');
  await expect(planCard(page, 'hobbyist-2')).toContainText('1 node');
  await expect(planCard(page, 'business-4')).toContainText('2 nodes · automatic failover');
  await choose(page.getByRole('radio', { name: /^hobbyist-2\b/ }));
  await expect(syncSwitch(page)).toBeDisabled();
  await expect(syncSwitch(page)).toHaveAccessibleName(/each commit waits until one standby has it.*Needs a plan with 3 nodes or more/i);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

/** The postmaster listening on `port`. */
const postmasterOn = (dataDir: string, port: string): number => nodeOnPort(dataDir, port).pid;

test('a hung master fails over after its 10 s window: the Nodes panel shows the roles swapped and the failover with its duration', async ({ page, admin, signIn, engine, stack }) => {
  test.setTimeout(360_000);
  const name = unique('fo');
  const created = await engine('POST', `/dbaas-postgres/${name}`, { plan: 'business-4', 'pglookout-settings': { max_failover_replication_time_lag: 10 } });
  expect(created.status).toBe(200);
  // both nodes running (the standby is copied after the master starts)
  let svc: ServicePg | undefined;
  await expect
    .poll(async () => {
      svc = (await engine<ServicePg>('GET', `/dbaas-postgres/${name}`)).body;
      return (svc['node-states'] ?? []).filter((n) => n.state === 'running').length;
    }, { timeout: 240_000, intervals: [1000] })
    .toBe(2);
  const nodes = svc?.['node-states'] ?? [];
  const oldMaster = nodes.find((n) => n.role === 'master')?.name ?? '';
  const standby = nodes.find((n) => n.role === 'standby')?.name ?? '';
  const pid = postmasterOn(stack.dataDir, svc?.['uri-params']?.port ?? '');

  await signIn(page, admin);
  await page.goto(`/services/${name}`);
  await expect(nodeRow(page, 'master')).toContainText(oldMaster);
  await expect(nodeRow(page, 'standby')).toContainText(standby);

  process.kill(pid, 'SIGSTOP');
  try {
    // the page refreshes itself every 2 s: the standby is the master now, the old master is to become a standby
    await expect(nodeRow(page, 'master')).toContainText(standby, { timeout: 90_000 });
    await expect(nodeRow(page, 'standby')).toContainText(oldMaster);
    const failovers = page.getByRole('region', { name: 'Failovers' });
    await expect(failovers.getByRole('listitem').first()).toContainText(new RegExp(`${oldMaster}\\s*→\\s*${standby}\\s+in \\d[\\d.]* s`));
    await expect(failovers).toContainText(`After 10 s without an answer from ${oldMaster}`);
  } finally {
    // fencing killed it; a postmaster still stopped after a failed test would hold its port
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // gone
    }
  }
});
