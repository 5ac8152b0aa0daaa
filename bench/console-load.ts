// Console figures from the production build, in headless Chromium:
// first-load JavaScript (gzipped) of every page (sign-in, the services list,
// a service's overview, the create form), and the time from pressing
// "Sign in" to the services list rendered; and the Metrics tab: its JavaScript (the page's plus the tab's own chunk
// with uPlot) and the time from opening it to its first chart drawn; and a service page reached from the list
// (a click, client-side navigation) against the same page loaded directly, each to its heading shown.
//   npx tsx bench/console-load.ts [--rounds 10]
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from '@playwright/test';
import { apiRequest } from '../lib/api-v2/client';
import { startStack, stopStack } from '../e2e/stack';
import { median } from './common';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 10;
const flags = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const verbose = process.argv.includes('--verbose');

async function firstLoadJs(page: Page, url: string): Promise<{ files: number; raw: number; gzip: number }> {
  await page.goto(url, { waitUntil: 'networkidle' });
  const scripts = await page.evaluate(() =>
    // every JavaScript file the page fetched, however it was asked for: the first shared chunk comes through a
    // <link> preload, not a <script>, and counting scripts only left it out
    performance.getEntriesByType('resource').map((e) => e.name).filter((n) => new URL(n).pathname.endsWith('.js')),
  );
  let raw = 0;
  let gzip = 0;
  for (const src of new Set(scripts)) {
    const body = Buffer.from(await (await fetch(src, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer());
    raw += body.length;
    gzip += gzipSync(body).length;
    if (verbose) console.log(`  ${url} ${src.split('/').pop()} ${(gzipSync(body).length / 1024).toFixed(1)} kB gz ${/zod|ZodError/.test(body.toString()) ? '(zod)' : ''}`);
  }
  return { files: new Set(scripts).size, raw, gzip };
}

async function main(): Promise<void> {
  const stack = await startStack();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: flags });
  try {
    const admin = { baseUrl: stack.engineUrl, ...stack.admin };
    await apiRequest(admin, 'POST', '/dbaas-postgres/bench', { plan: 'hobbyist-2' });
    for (let i = 0; i < 300; i++) {
      const s = await apiRequest<{ state?: string }>(admin, 'GET', '/dbaas-postgres/bench');
      if (s.body.state === 'running') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const signIn = async (page: Page) => {
      await page.goto(`${stack.consoleUrl}/sign-in`, { waitUntil: 'networkidle' });
      await page.getByLabel('API key').fill(admin.key);
      await page.getByLabel('API secret').fill(admin.secret);
      const t0 = performance.now();
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('link', { name: 'bench' }).waitFor();
      return performance.now() - t0;
    };
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const context = await browser.newContext();
      times.push(await signIn(await context.newPage()));
      await context.close();
    }
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page);
    const pages: Record<string, { files: number; raw: number; gzip: number }> = {};
    const anonymous = await browser.newContext();
    pages['/sign-in'] = await firstLoadJs(await anonymous.newPage(), `${stack.consoleUrl}/sign-in`);
    await anonymous.close();
    for (const path of ['/services', '/services/bench', '/services/new', '/activity']) {
      const fresh = await context.newPage();
      pages[path] = await firstLoadJs(fresh, `${stack.consoleUrl}${path}`);
      await fresh.close();
    }
    // the Metrics tab once samples exist (the stack samples every 2 s): opened afresh, to its first chart drawn
    const tabTimes: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const tab = await context.newPage();
      const t0 = performance.now();
      await tab.goto(`${stack.consoleUrl}/services/bench?tab=metrics`);
      await tab.locator('figure canvas').first().waitFor({ timeout: 30_000 });
      tabTimes.push(performance.now() - t0);
      await tab.close();
    }
    // list → service page by a click, against a direct load of the same page, alternating, in the same warm context:
    // to its heading shown (the list prefetches the page's loading state, which names the service), and to the page
    // itself rendered (its sections' navigation, which the loading state lacks)
    const viaList: number[] = [];
    const viaListPage: number[] = [];
    const direct: number[] = [];
    const directPage: number[] = [];
    const heading = (p: Page) => p.getByRole('heading', { level: 1, name: 'bench' }).first().waitFor({ timeout: 30_000 });
    const rendered = (p: Page) => p.getByRole('navigation', { name: 'Service sections' }).waitFor({ timeout: 30_000 });
    for (let i = 0; i < rounds; i++) {
      const d = await context.newPage();
      let t0 = performance.now();
      await d.goto(`${stack.consoleUrl}/services/bench`);
      await heading(d);
      direct.push(performance.now() - t0);
      await rendered(d);
      directPage.push(performance.now() - t0);
      await d.close();
      const l = await context.newPage();
      await l.goto(`${stack.consoleUrl}/services`, { waitUntil: 'networkidle' });
      t0 = performance.now();
      await l.getByRole('link', { name: 'bench', exact: true }).first().click();
      await heading(l);
      viaList.push(performance.now() - t0);
      await rendered(l);
      viaListPage.push(performance.now() - t0);
      await l.close();
    }
    const line = (what: string, xs: number[]) => console.log(`${what}, ${rounds} rounds (ms): ${xs.map((t) => Math.round(t)).join(' ')}; median ${Math.round(median(xs))} ms`);
    line('services list → service page (click) → heading', viaList);
    line('service page loaded directly → heading', direct);
    line('services list → service page (click) → page rendered', viaListPage);
    line('service page loaded directly → page rendered', directPage);
    const metricsTab = await context.newPage();
    pages['/services/bench?tab=metrics (page + tab chunk)'] = await firstLoadJs(metricsTab, `${stack.consoleUrl}/services/bench?tab=metrics`);
    await metricsTab.close();
    console.log(`metrics tab opened → first chart drawn, ${rounds} rounds (ms): ${tabTimes.map((t) => Math.round(t)).join(' ')}; median ${Math.round(median(tabTimes))} ms`);
    console.log(`sign-in submit → services list rendered, ${rounds} rounds (ms): ${times.map((t) => Math.round(t)).join(' ')}`);
    console.log(`  median ${Math.round(median(times))} ms`);
    for (const [path, js] of Object.entries(pages)) {
      console.log(`first-load JS ${path}: ${js.files} scripts, ${(js.raw / 1000).toFixed(1)} kB raw, ${(js.gzip / 1000).toFixed(1)} kB gzipped (${js.gzip} bytes; goal < 150 kB)`);
    }
  } finally {
    await browser.close();
    await stopStack();
  }
}

main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
