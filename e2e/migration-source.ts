// The migration source the e2e tests copy from: a plain PostgreSQL 18 server
// (engine/test/source-cluster.ts: no engine, SCRAM over TCP on 127.0.0.1,
// wal_level logical), started by the global setup from a template built for
// it, in a directory of its own; stopped and removed by the teardown.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installedMajors, reachableBinaries } from '../engine/runtime/binaries';
import { InstanceRuntime } from '../engine/runtime/instance';
import { lookupUser } from '../engine/runtime/process';
import { ensureTemplate } from '../engine/runtime/templates';
import { startSource } from '../engine/test/source-cluster';
import { e2eStateFile } from './stack';

export const SOURCE_FILE = e2eStateFile('source');

export interface MigrationSource {
  dir: string;
  root: string;
  host: string;
  port: number;
  /** The superuser postgres's. */
  password: string;
}

const MAJOR = '18';

const runAs = () => (process.getuid?.() === 0 ? lookupUser(process.env.PGDECK_RUN_AS ?? 'pgdeck') : null);

export async function startMigrationSource(): Promise<MigrationSource> {
  const dir = mkdtempSync(join(tmpdir(), 'pgdeck-e2e-source-'));
  chmodSync(dir, 0o711);
  const runtime = new InstanceRuntime(runAs());
  const templates = join(dir, 'templates');
  runtime.ownedDir(templates, null, 0o711);
  const found = installedMajors().find((b) => b.major === MAJOR);
  if (!found) throw new Error(`PostgreSQL ${MAJOR} is not installed`);
  await ensureTemplate(runtime, templates, await reachableBinaries(found, runAs(), '/usr/local/lib/pgdeck'));
  process.env.PGDECK_TEST_TEMPLATES = templates;
  const src = await startSource(dir, { major: MAJOR, walLevel: 'logical' });
  const state: MigrationSource = { dir, root: src.spec.root, host: src.host, port: src.port, password: src.password };
  writeFileSync(SOURCE_FILE, JSON.stringify(state));
  return state;
}

export function readMigrationSource(): MigrationSource {
  return JSON.parse(readFileSync(SOURCE_FILE, 'utf8')) as MigrationSource;
}

export async function stopMigrationSource(): Promise<void> {
  let state: MigrationSource;
  try {
    state = readMigrationSource();
  } catch {
    return;
  }
  await new InstanceRuntime(runAs()).kill(state.root);
  if (!process.env.PGDECK_E2E_KEEP) rmSync(state.dir, { recursive: true, force: true });
  rmSync(SOURCE_FILE, { force: true });
}
