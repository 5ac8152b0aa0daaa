// Major upgrades on real clusters. pg_upgrade with Debian's programs of the target major (17 → 18 and
// 16 → 17 linking, 14 → 15 copying), a dump and restore where Debian has none (13 → 14, 15 → 16). Each
// old cluster is a copy of the engine's template of its major (npm binaries) with rows in a table, an
// extension in use, a second database and a role with a password; the upgraded directory is then started
// with the npm binaries of the target major, as the engine runs it, and the role logs in and reads.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { installedMajors, reachableBinaries, type Binaries } from '../runtime/binaries';
import { InstanceRuntime, paths, type InstanceSpec } from '../runtime/instance';
import { dumpRestore, initNewCluster, pgUpgrade, type PgUpgradeOptions } from '../runtime/pg-upgrade';
import { lookupUser } from '../runtime/process';
import { upgradePath } from '../runtime/upgrade-tools';
import { Fixtures } from './fixtures';

const f = new Fixtures();
afterAll(() => f.cleanup(), 120_000);

const runAs = process.getuid?.() === 0 ? lookupUser(process.env.PGDECK_RUN_AS ?? 'pgdeck') : null;
const runtime = new InstanceRuntime(runAs);
const PASSWORD = 'engine-secret';
const APP = { user: 'app', password: "app's secret" };
let port = 41000 + Math.floor(Math.random() * 400) * 10;
const dir = f.newDataDir();

async function binariesOf(major: string): Promise<Binaries> {
  const b = installedMajors().find((x) => x.major === major);
  if (!b) throw new Error(`PostgreSQL ${major} is not installed`);
  return reachableBinaries(b, runAs, '/usr/local/lib/pgdeck');
}

/** The engine's configuration, but roles log in with their passwords over the socket (the engine's own hba wants peer there). */
function configure(spec: InstanceSpec): void {
  runtime.writeConfig(spec);
  runtime.writeOwned(join(paths(spec.root).data, 'pg_hba.conf'), 'local all all scram-sha-256\n', spec.runAs);
}

function specOf(root: string, b: Binaries): InstanceSpec {
  return { root, port: port++, listen: '', binaries: b, settings: { ssl: false }, ipFilter: [], runAs, password: PASSWORD };
}

/** A running copy of `major`'s template: rows, hstore in use, a second database, a role with a password. */
async function oldCluster(major: string): Promise<InstanceSpec> {
  const b = await binariesOf(major);
  const spec = specOf(join(dir, `old-${major}`), b);
  await runtime.copyCluster(join(process.env.PGDECK_TEST_TEMPLATES ?? '', b.version), spec.root);
  await runtime.setSuperuserPassword(spec.root, b, runAs, PASSWORD);
  configure(spec);
  await runtime.start(spec);
  await runtime.query(spec, `CREATE ROLE ${APP.user} LOGIN PASSWORD 'app''s secret'`);
  await runtime.query(spec, `CREATE DATABASE reports OWNER ${APP.user}`);
  await runtime.query(spec, 'CREATE EXTENSION hstore', [], 'defaultdb');
  await runtime.query(spec, `CREATE TABLE items (id int PRIMARY KEY, attrs hstore); ALTER TABLE items OWNER TO ${APP.user}`, [], 'defaultdb');
  await runtime.query(spec, "INSERT INTO items SELECT g, hstore('n', g::text) FROM generate_series(1, 1000) g", [], 'defaultdb');
  await runtime.query(spec, `CREATE TABLE monthly (month int); ALTER TABLE monthly OWNER TO ${APP.user}; INSERT INTO monthly VALUES (1), (2)`, [], 'reports');
  return spec;
}

/** Logs in as the role with its password over the socket and reads what oldCluster wrote. */
async function readAsApp(spec: InstanceSpec): Promise<{ major: number; items: number; n500: string; months: number }> {
  const as = async <R>(database: string, sql: string): Promise<R> => {
    const c = new pg.Client({ host: paths(spec.root).run, port: spec.port, database, ...APP });
    await c.connect();
    try {
      return (await c.query(sql)).rows[0] as R;
    } finally {
      await c.end();
    }
  };
  const a = await as<{ major: number; items: number; n500: string }>('defaultdb',
    "SELECT current_setting('server_version_num')::int / 10000 AS major, count(*)::int AS items, max(attrs -> 'n') FILTER (WHERE attrs @> 'n=>500') AS n500 FROM items");
  const b = await as<{ months: number }>('reports', 'SELECT count(*)::int AS months FROM monthly');
  return { ...a, ...b };
}

/** Starts an upgraded (or restored) data directory with the npm binaries of its major. */
async function startWithNpm(root: string, major: string): Promise<InstanceSpec> {
  const spec = specOf(root, await binariesOf(major));
  configure(spec);
  await runtime.start(spec);
  return spec;
}

describe('upgradePath', () => {
  it('takes pg_upgrade where Debian has the target, a dump and restore where it has not', () => {
    const method = (s: string, t: string) => upgradePath(s, t).method;
    expect([method('17', '18'), method('16', '17'), method('14', '15'), method('13', '18')]).toEqual(['pg_upgrade', 'pg_upgrade', 'pg_upgrade', 'pg_upgrade']);
    expect(upgradePath('14', '15')).toMatchObject({ bindir: '/usr/lib/postgresql/15/bin', version: expect.stringMatching(/^15\./) });
    expect(upgradePath('13', '14')).toMatchObject({ method: 'dump', bindir: '/usr/lib/postgresql/15/bin' });
    expect(upgradePath('15', '16')).toMatchObject({ method: 'dump', bindir: '/usr/lib/postgresql/15/bin' });
    expect(upgradePath('16', '15')).toEqual({ method: null, reason: 'PostgreSQL 15 is not newer than 16: a major upgrade only goes to a later major.' });
  });
});

describe.each([
  { from: '17', to: '18', mode: 'link', live: true },
  { from: '16', to: '17', mode: 'link', live: false },
  { from: '14', to: '15', mode: 'copy', live: true },
] as const)('pg_upgrade $from → $to ($mode)', ({ from, to, mode, live }) => {
  it(`reports a regproc column in its database, then upgrades; ${to}'s npm binaries run the result`, async () => {
    const path = upgradePath(from, to);
    if (path.method !== 'pg_upgrade') throw new Error(`no pg_upgrade path: ${JSON.stringify(path)}`);
    const old = await oldCluster(from);
    await runtime.query(old, 'CREATE TABLE pinned (fn regproc); INSERT INTO pinned VALUES (\'now\')', [], 'reports');
    const newRoot = join(dir, `new-${to}`);
    await initNewCluster(newRoot, path.bindir, runAs, PASSWORD);
    const workDir = join(dir, `w${to}`);
    runtime.ownedDir(workDir);
    const opts: PgUpgradeOptions = { oldData: paths(old.root).data, oldBin: old.binaries.bin, newData: paths(newRoot).data, newBin: path.bindir,
      oldPort: old.port, newPort: port++, runAs, password: PASSWORD, workDir, mode: 'check', live };

    if (!live) await runtime.stop(old);
    const check = await pgUpgrade(opts);
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual([expect.objectContaining({ check: 'Checking for reg* data types in user tables', dbnames: ['reports'] })]);
    expect(check.problems[0]?.detail).toContain('public.pinned.fn');

    if (!live) await runtime.start(old);
    await runtime.query(old, 'DROP TABLE pinned', [], 'reports');
    await runtime.stop(old);
    const done = await pgUpgrade({ ...opts, mode, live: false });
    expect(done.problems).toEqual([]);
    expect(done.ok, done.output).toBe(true);
    expect(existsSync(join(paths(newRoot).data, 'pg_upgrade_output.d'))).toBe(false);

    const upgraded = await startWithNpm(newRoot, to);
    expect(await readAsApp(upgraded)).toEqual({ major: Number(to), items: 1000, n500: '500', months: 2 });
    await runtime.stop(upgraded);
  });
});

describe.each([{ from: '13', to: '14' }, { from: '15', to: '16' }])('dump and restore $from → $to', ({ from, to }) => {
  it(`carries roles with their passwords, databases and extensions into ${to}; a restore error fails it loudly`, async () => {
    const path = upgradePath(from, to);
    if (path.method !== 'dump') throw new Error(`no dump path: ${JSON.stringify(path)}`);
    const old = await oldCluster(from);
    const newRoot = join(dir, `new-${to}`);
    await initNewCluster(newRoot, (await binariesOf(to)).bin, runAs, PASSWORD);
    const target = await startWithNpm(newRoot, to);
    const endpoint = (s: InstanceSpec) => ({ socketDir: paths(s.root).run, port: s.port });
    const opts = { from: endpoint(old), to: endpoint(target), bindir: path.bindir, runAs, password: PASSWORD, databases: ['postgres', 'defaultdb', 'reports'] };

    await dumpRestore(opts);
    expect(await readAsApp(target)).toEqual({ major: Number(to), items: 1000, n500: '500', months: 2 });
    const roles = await runtime.query<{ rolname: string }>(target, "SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1");
    expect(roles.map((r) => r.rolname)).toEqual(['app', 'avnadmin', 'postgres']);

    // a second restore finds the roles there: it stops at the first error and says which
    await expect(dumpRestore(opts)).rejects.toThrow(/role "app" already exists/);
    await runtime.stop(target);
    await runtime.stop(old);
  });
});
