// Fixtures: the running stack, keys of each role, signing in through the form,
// signed calls to the engine (setup and checks), client connections to services;
// and, in every test, a watch for Content-Security-Policy violations on every page.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test as base, expect, type Page } from '@playwright/test';
import pg from 'pg';
import { apiRequest, type Credentials } from '../lib/api-v2/client';
import type { ServicePg } from '../lib/schemas/service';
import { STATE_FILE, type StackState } from './stack';

const exec = promisify(execFile);

export interface Fixtures {
  stack: StackState;
  admin: Credentials;
  /** A new key of that role; `name` is the key's name, as the engine's activity tells it. */
  newKey(role: 'admin' | 'operator' | 'viewer'): Promise<Credentials & { name: string }>;
  signIn(page: Page, creds: Credentials): Promise<void>;
  engine<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  waitRunning(name: string): Promise<ServicePg>;
  sql(uri: string, query: string): Promise<pg.QueryResultRow[]>;
  /** Automatic: every CSP violation on any page of the test; the test fails if there is one. */
  cspViolations: string[];
}

export const test = base.extend<Fixtures>({
  cspViolations: [
    async ({ context }, use) => {
      const seen: string[] = [];
      // runs before any of the page's own scripts, and is not subject to its policy
      await context.addInitScript(() => {
        window.addEventListener('securitypolicyviolation', (e) => {
          console.error(`[csp-violation] ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
        }, true);
      });
      const watch = (page: Page) =>
        page.on('console', (msg) => {
          const text = msg.text();
          if (text.startsWith('[csp-violation]') || /Content Security Policy|Permissions.Policy/i.test(text)) seen.push(`${page.url()}: ${text}`);
        });
      context.pages().forEach(watch);
      context.on('page', watch);
      await use(seen);
      expect(seen, 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
  // eslint-disable-next-line no-empty-pattern
  stack: async ({}, use) => {
    await use(JSON.parse(readFileSync(STATE_FILE, 'utf8')) as StackState);
  },
  baseURL: async ({ stack }, use) => use(stack.consoleUrl),
  admin: async ({ stack }, use) => use({ baseUrl: stack.engineUrl, ...stack.admin }),
  newKey: async ({ stack }, use) => {
    await use(async (role) => {
      const name = `${role}-${Math.random().toString(36).slice(2, 8)}`;
      const { stdout } = await exec(process.execPath, ['--import', 'tsx', 'engine/main.ts', 'keys', 'create', name, '--role', role, '--data', join(stack.dataDir, 'data')]);
      const { key, secret } = JSON.parse(stdout) as { key: string; secret: string };
      return { baseUrl: stack.engineUrl, key, secret, name };
    });
  },
  // eslint-disable-next-line no-empty-pattern
  signIn: async ({}, use) => {
    await use(async (page, creds) => {
      await page.goto('/sign-in');
      await page.getByLabel('API key').fill(creds.key);
      await page.getByLabel('API secret').fill(creds.secret);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page).toHaveURL(/\/services$/);
    });
  },
  engine: async ({ admin }, use) => {
    await use((method, path, body) => apiRequest(admin, method, path, body));
  },
  waitRunning: async ({ admin }, use) => {
    await use(async (name) => {
      const deadline = Date.now() + 90_000;
      for (;;) {
        const res = await apiRequest<ServicePg>(admin, 'GET', `/dbaas-postgres/${name}`);
        if (res.status === 200 && res.body.state === 'running') return res.body;
        if (Date.now() > deadline) throw new Error(`${name} is not running: ${JSON.stringify(res.body).slice(0, 300)}`);
        await new Promise((r) => setTimeout(r, 300));
      }
    });
  },
  sql: async ({ admin }, use) => {
    const ca = (await apiRequest<{ certificate: string }>(admin, 'GET', '/dbaas-ca-certificate')).body.certificate;
    await use(async (uri, query) => {
      const url = new URL(uri);
      const client = new pg.Client({
        host: url.hostname,
        port: Number(url.port),
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
        database: url.pathname.slice(1),
        ssl: { ca, rejectUnauthorized: true },
      });
      client.on('error', () => undefined);
      await client.connect();
      try {
        return (await client.query(query)).rows;
      } finally {
        await client.end();
      }
    });
  },
});

export { expect };
