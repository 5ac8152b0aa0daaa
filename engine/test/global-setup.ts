// Before the engine tests: every installed major's template is built once,
// into one shared directory that each test's data directory then links to
// (hard links: templates are only ever read), instead of an initdb per major
// per test engine. Before and after: OS users whose service directory is gone
// (a test stops its engine and removes its directory) are removed, as every
// engine start does.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installedMajors, reachableBinaries } from '../runtime/binaries';
import { InstanceRuntime } from '../runtime/instance';
import { ServiceUsers } from '../runtime/os-users';
import { lookupUser } from '../runtime/process';
import { ensureTemplate } from '../runtime/templates';

async function sweep(): Promise<void> {
  if (process.getuid?.() !== 0) return;
  await new ServiceUsers(true).removeOrphans();
}

let shared: string | null = null;

export async function setup(): Promise<void> {
  await sweep();
  const runAs = process.getuid?.() === 0 ? lookupUser(process.env.PGDECK_RUN_AS ?? 'pgdeck') : null;
  shared = mkdtempSync(join(tmpdir(), 'pgdeck-templates-'));
  chmodSync(shared, 0o711);
  const runtime = new InstanceRuntime(runAs);
  runtime.ownedDir(join(shared, 'templates'), null, 0o711);
  for (const b of installedMajors()) {
    await ensureTemplate(runtime, join(shared, 'templates'), await reachableBinaries(b, runAs, '/usr/local/lib/pgdeck'));
  }
  process.env.PGDECK_TEST_TEMPLATES = join(shared, 'templates');
}

export async function teardown(): Promise<void> {
  if (shared) rmSync(shared, { recursive: true, force: true });
  await sweep();
}
