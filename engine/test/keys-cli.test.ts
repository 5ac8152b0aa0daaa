// The keys command line: create, list and revoke keys of each role, seen by a running engine.
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDataDir, startEngine, type TestEngine } from './harness';

const exec = promisify(execFile);
let t: TestEngine;

const keys = (...args: string[]) =>
  exec('node_modules/.bin/tsx', ['engine/main.ts', 'keys', ...args, '--data', t.dataDir], { timeout: 60_000 });

beforeAll(async () => {
  t = await startEngine();
});
afterAll(async () => {
  await t?.stop();
  removeDataDir(t.dataDir);
});

describe('npm run engine -- keys', () => {
  it('the bootstrap credentials file is readable by its owner only', () => {
    expect(statSync(join(t.dataDir, 'credentials.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(t.dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
  });

  it('creates a key that the running engine accepts, with its role', async () => {
    const { stdout } = await keys('create', 'ci-viewer', '--role', 'viewer');
    const created = JSON.parse(stdout) as { key: string; secret: string; role: string };
    expect(created).toMatchObject({ role: 'viewer', key: expect.stringMatching(/^EXO[0-9a-f]{24}$/) });
    const creds = { baseUrl: t.admin.baseUrl, key: created.key, secret: created.secret };
    expect((await t.call('GET', '/dbaas-service', undefined, creds)).status).toBe(200);
    expect((await t.call('POST', '/dbaas-postgres/x', { plan: 'hobbyist-2' }, creds)).status).toBe(403);

    const list = (await keys('list')).stdout;
    expect(list).toContain(`${created.key}\tci-viewer\tviewer\tactive`);
    expect(list).not.toContain(created.secret);

    expect((await keys('revoke', 'ci-viewer')).stdout).toContain('revoked');
    expect((await t.call('GET', '/dbaas-service', undefined, creds)).status).toBe(403);
    expect((await keys('list')).stdout).toMatch(/ci-viewer\tviewer\trevoked/);
  });

  it('refuses an unknown role, a duplicate name and an unknown key', async () => {
    await expect(keys('create', 'x', '--role', 'root')).rejects.toMatchObject({ code: 2 });
    await keys('create', 'dup', '--role', 'operator');
    await expect(keys('create', 'dup')).rejects.toMatchObject({ code: 1 });
    await expect(keys('revoke', 'EXOnothing')).rejects.toMatchObject({ code: 1 });
  });
});
