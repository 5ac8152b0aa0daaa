// The replication method's runtime against real plain clusters (no engine): a 13 source
// (superuser, no TLS, FOR ALL TABLES) and an 18 source (a REPLICATION role owning its
// tables, TLS verify-full with the source's own CA, FOR TABLE) into an 18 target whose
// walreceiver reads a passfile and a CA bundle owned by the `pgdeck` OS user. Initial
// copy, writes during the copy and while streaming, progress, cut-over, an apply error
// that disables the subscription, and a source killed mid-copy.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MigrationSource } from '@/lib/schemas/migration';
import { InstanceRuntime, recentLog } from '../runtime/instance';
import {
  cutOver, lastApplyError, replicationNames, replicationProgress, startReplication, teardownReplication,
  type ReplicationNames, type ReplicationProgress, type Sql,
} from '../runtime/logical-replication';
import { caBundle, connectSource, passfileText, sourceConninfo } from '../runtime/migration-source';
import { lookupUser } from '../runtime/process';
import { killProcessesUnder } from './engine-process';
import { startSource, type SourceCluster } from './source-cluster';

const runAs = process.getuid?.() === 0 ? lookupUser(process.env.PGDECK_RUN_AS ?? 'pgdeck') : null;
const owned = new InstanceRuntime(runAs);
// runtime only: no engine (and none of its imports), so a directory of its own; `pgdeck` must traverse it
const dir = mkdtempSync(join(tmpdir(), 'pgdeck-test-'));
chmodSync(dir, 0o711);
const SERVICE_ID = '3f2a9c41-7be0-4d2e-9a51-0c6de8f1b2a7';
const ROWS = 200_000;
// a password with every character a passfile escapes, and a quote
const MIG_PASSWORD = "mig's:pw\\x";

let src13: SourceCluster;
let src18: SourceCluster;
let tgt: SourceCluster;
const clients: pg.Client[] = [];

beforeAll(async () => {
  [src13, src18, tgt] = await Promise.all([
    startSource(dir, { major: '13' }),
    startSource(dir, { major: '18', ssl: true }),
    startSource(dir, { major: '18' }),
  ]);
  await src18.query(`CREATE ROLE mig LOGIN REPLICATION PASSWORD 'mig''s:pw\\x'`);
}, 180_000);
afterAll(async () => {
  for (const c of clients) await c.end().catch(() => undefined);
  await killProcessesUnder(dir);
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

const SCHEMA = `CREATE TABLE items (id bigserial PRIMARY KEY, name text NOT NULL, n int);
  CREATE TABLE notes (id int PRIMARY KEY, body text);
  CREATE SEQUENCE counter START 100`;

async function seed(src: SourceCluster, db: string, owner = 'postgres'): Promise<void> {
  await src.query(`CREATE DATABASE ${db} OWNER ${owner}`);
  await src.query(`${SCHEMA};
    INSERT INTO items (name, n) SELECT 'item ' || g, g FROM generate_series(1, ${ROWS}) g;
    INSERT INTO notes VALUES (1, 'one'), (2, 'two'), (3, 'three');
    SELECT setval('counter', 5000);
    ALTER TABLE items OWNER TO ${owner}; ALTER TABLE notes OWNER TO ${owner}; ALTER SEQUENCE counter OWNER TO ${owner}`, [], db);
}

interface Pair {
  src: SourceCluster;
  source: Sql;
  target: Sql;
  names: ReplicationNames;
  conninfo: string;
  major: number;
}

/** The migration's files (passfile, CA bundle) as the engine writes them, a source session, the target database made by hand. */
async function pair(src: SourceCluster, db: string, targetDb: string, user: string, password: string, targetSchema = SCHEMA): Promise<Pair> {
  const ssl = src.caPem !== null;
  const m: MigrationSource = {
    host: src.host, port: src.port, username: user, password, dbname: 'postgres',
    sslMode: ssl ? 'verify-full' : 'disable', caPem: src.caPem, ignoreDbs: [], method: 'replication',
  };
  const files = { passfile: join(dir, `mig-${targetDb}`, 'pgpass'), caFile: join(dir, `mig-${targetDb}`, 'ca.pem') };
  owned.ownedDir(join(dir, `mig-${targetDb}`), runAs);
  owned.writeOwned(files.passfile, passfileText(m), runAs);
  const ca = caBundle(null, src.caPem);
  if (ssl) owned.writeOwned(files.caFile, ca, runAs);
  const client = await connectSource(m, db, ca);
  clients.push(client);
  await tgt.query(`CREATE DATABASE ${targetDb}`);
  await tgt.query(targetSchema, [], targetDb);
  const [{ oid }] = await client.query<{ oid: number }>('SELECT oid FROM pg_database WHERE datname = current_database()').then((r) => r.rows) as [{ oid: number }];
  return {
    src,
    source: async (sql, params = []) => (await client.query(sql, params)).rows,
    target: (sql, params = []) => tgt.query(sql, params, targetDb),
    names: replicationNames(SERVICE_ID, oid),
    conninfo: sourceConninfo(m, db, files),
    major: Number(src.major),
  };
}

/** Polls until `fn` answers something (≤ `ms`), else fails naming what it waited for and the last answer. */
async function until<T>(what: string, fn: () => Promise<T | null>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown = null;
  for (;;) {
    const found = await fn().catch((err: unknown) => ((last = err), null));
    if (found !== null) return found;
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}; last: ${String(last)}`);
    await sleep(100);
  }
}

const one = async (q: Sql, sql: string): Promise<string> => String(Object.values((await q(sql))[0] ?? {})[0]);

async function synced(p: Pair): Promise<ReplicationProgress> {
  return until('every table copied', async () => {
    const pr = await replicationProgress(p.source, p.target, p.names);
    return pr.tablesTotal > 0 && pr.tablesDone === pr.tablesTotal ? pr : null;
  }, 60_000);
}

async function sourceObjects(src: SourceCluster, db: string): Promise<string[]> {
  const rows = await src.query<{ name: string }>(
    `SELECT slot_name AS name FROM pg_replication_slots WHERE slot_name LIKE 'pgdeck%' OR slot_name LIKE 'pg\\_%\\_sync\\_%'
     UNION ALL SELECT pubname FROM pg_publication WHERE pubname LIKE 'pgdeck%' ORDER BY 1`, [], db);
  return rows.map((r) => r.name);
}

/** Copy, writes during the copy and while streaming, progress, cut-over: what a user sees of a migration. */
async function migrate(p: Pair, db: string, opts: { allTables: boolean }): Promise<void> {
  const start = { names: p.names, allTables: opts.allTables, tables: ['"public"."items"', '"public"."notes"'], conninfo: p.conninfo, sourceMajor: p.major };
  await startReplication(p.source, p.target, start);
  // while the copy runs (it lasts seconds for 200k rows)
  await p.source(`INSERT INTO items (name, n) SELECT 'late ' || g, -g FROM generate_series(1, 10) g;
    UPDATE notes SET body = 'changed' WHERE id = 1; DELETE FROM notes WHERE id = 2`);
  await startReplication(p.source, p.target, start); // a retried step reuses what exists
  expect(await one(p.target, 'SELECT count(*) FROM pg_subscription')).toBe('1');

  const pr = await synced(p);
  expect(pr).toMatchObject({ tablesTotal: 2, tablesDone: 2, copying: false, slot: 'ok', subscriptionEnabled: true });
  expect(Number.isFinite(pr.lagBytes)).toBe(true);
  expect(pr.lagBytes).toBeGreaterThanOrEqual(0);
  expect(pr.bytesCopying).toBe(0);
  await until('rows written during the copy', async () =>
    (await one(p.target, 'SELECT count(*) FROM items')) === String(ROWS + 10) &&
    (await one(p.target, `SELECT string_agg(id || ':' || body, ',' ORDER BY id) FROM notes`)) === '1:changed,3:three' ? true : null);
  if (p.src.caPem !== null) {
    const tls = await p.src.query<{ ssl: boolean }>(`SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
       WHERE a.backend_type = 'walsender' AND a.application_name = 'pgdeck-migrate'`);
    expect(tls.length).toBeGreaterThan(0);
    expect(tls.every((r) => r.ssl)).toBe(true);
  }

  // streaming
  await p.source(`INSERT INTO notes VALUES (4, 'four'); UPDATE items SET name = 'renamed' WHERE id = 7; DELETE FROM items WHERE id = 8`);
  await until('rows written while streaming', async () =>
    (await one(p.target, `SELECT (SELECT count(*) FROM notes WHERE id = 4) || (SELECT name FROM items WHERE id = 7) ||
       (SELECT count(*) FROM items WHERE id = 8)`)) === '1renamed0' ? true : null);

  const conninfo = await one(p.target, 'SELECT subconninfo FROM pg_subscription');
  expect(conninfo).toContain('passfile=');
  expect(conninfo).not.toMatch(/password/i);
  expect(conninfo).not.toContain(p.src.password);
  expect(conninfo).not.toContain('pw');

  let recorded = '';
  const done = await cutOver(p.source, p.target, p.names, { onStopLsn: (lsn) => (recorded = lsn) });
  expect(done.stopLsn).toBe(recorded);
  expect(done).toMatchObject({ sequences: 2, leftovers: [] });
  const max = Number(await one(p.source, 'SELECT max(id) FROM items'));
  expect(Number(await one(p.target, `SELECT nextval('items_id_seq')`))).toBeGreaterThan(max);
  expect(await one(p.target, `SELECT nextval('counter')`)).toBe('5001');
  expect(await one(p.target, 'SELECT count(*) FROM pg_subscription')).toBe('0');
  expect(await sourceObjects(p.src, db)).toEqual([]);
  await p.target(`INSERT INTO items (name, n) VALUES ('written on the target', 0)`);
  expect(await one(p.target, 'SELECT count(*) FROM items')).toBe(String(ROWS + 10));
}

describe('replication from a 13 source (superuser, no TLS, FOR ALL TABLES)', () => {
  it('copies, streams and cuts over', async () => {
    await seed(src13, 'shop');
    const p = await pair(src13, 'shop', 'shop13', 'postgres', src13.password);
    await migrate(p, 'shop', { allTables: true });
  });
});

describe('replication from an 18 source over TLS (a REPLICATION role, FOR TABLE)', () => {
  it('copies, streams and cuts over, verify-full against the source CA', async () => {
    await seed(src18, 'shop', 'mig');
    const p = await pair(src18, 'shop', 'shop18', 'mig', MIG_PASSWORD);
    await migrate(p, 'shop', { allTables: false });
  });
});

describe('replication failures', () => {
  it('an apply error disables the subscription; the log says why; cut-over refuses; teardown leaves nothing', async () => {
    await src18.query('CREATE DATABASE errs OWNER mig');
    await src18.query('CREATE TABLE t (id int PRIMARY KEY); ALTER TABLE t OWNER TO mig; INSERT INTO t VALUES (1)', [], 'errs');
    const p = await pair(src18, 'errs', 'errs18', 'mig', MIG_PASSWORD, 'CREATE TABLE t (id int PRIMARY KEY)');
    await startReplication(p.source, p.target, { names: p.names, allTables: false, tables: ['"public"."t"'], conninfo: p.conninfo, sourceMajor: 18 });
    await synced(p);
    // a write on the target that the source's next row collides with
    await p.target('INSERT INTO t VALUES (2)');
    await p.source('INSERT INTO t VALUES (2)');
    const pr = await until('the subscription disabled by the error', async () => {
      const now = await replicationProgress(p.source, p.target, p.names);
      return now.subscriptionEnabled ? null : now;
    });
    expect(pr.slot).toBe('ok');
    const log = recentLog(tgt.spec.root);
    expect(lastApplyError(log), log.slice(-2000)).toMatch(/^conflict detected on relation "public.t": conflict=insert_exists$/);
    await expect(cutOver(p.source, p.target, p.names, {})).rejects.toThrow(/disabled/);
    expect(await teardownReplication(p.source, p.target, p.names)).toEqual({ leftovers: [] });
    expect(await one(p.target, 'SELECT count(*) FROM pg_subscription')).toBe('0');
    expect(await sourceObjects(src18, 'errs')).toEqual([]);
  });

  it('a source killed mid-copy: teardown without it names what is left there, as SQL that drops it', async () => {
    await seed(src18, 'big');
    // the table copy waits at its first row while the test holds the lock (an ALWAYS trigger fires in the sync worker too)
    const hold = `CREATE FUNCTION hold() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN PERFORM pg_advisory_xact_lock_shared(4242); RETURN NEW; END$$;
      CREATE TRIGGER hold BEFORE INSERT ON items FOR EACH ROW WHEN (NEW.id = 1) EXECUTE FUNCTION hold();
      ALTER TABLE items ENABLE ALWAYS TRIGGER hold`;
    const p = await pair(src18, 'big', 'big18', 'postgres', src18.password, `${SCHEMA}; ${hold}`);
    const holder = new pg.Client({ host: tgt.host, port: tgt.port, user: 'postgres', password: tgt.password, database: 'big18' });
    clients.push(holder);
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock(4242)');
    await startReplication(p.source, p.target, { names: p.names, allTables: true, tables: [], conninfo: p.conninfo, sourceMajor: 18 });
    await until('the table copy waiting mid-copy', async () =>
      (await p.target(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'advisory'`)).length > 0 ? true : null);
    const pr = await replicationProgress(p.source, p.target, p.names);
    expect(pr).toMatchObject({ tablesTotal: 2, copying: true, slot: 'ok', subscriptionEnabled: true });
    expect(pr.tablesDone).toBeLessThan(2);
    expect(pr.bytesCopying).not.toBeNull();
    const subOid = Number(await one(p.target, `SELECT oid FROM pg_subscription WHERE subname = 'pgdeck_migrate'
      AND subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())`));
    const syncSlot = new RegExp(`^pg_${subOid}_sync_`);
    expect((await sourceObjects(src18, 'big')).filter((n) => syncSlot.test(n))).toHaveLength(1);

    await src18.kill();
    expect(await replicationProgress(null, p.target, p.names)).toMatchObject({ copying: true, lagBytes: null });
    const { leftovers } = await teardownReplication(null, p.target, p.names);
    expect(await one(p.target, 'SELECT count(*) FROM pg_subscription')).toBe('0');
    expect(leftovers).toHaveLength(3);
    expect(leftovers.join('\n')).toContain(p.names.slot);
    expect(leftovers.join('\n')).toContain(`pg\\\\_${subOid}\\\\_sync`);
    expect(leftovers.join('\n')).toContain(`DROP PUBLICATION IF EXISTS "${p.names.publication}"`);

    // they are really there, and the SQL given drops them
    await src18.start();
    const left = await sourceObjects(src18, 'big');
    expect(left).toEqual(expect.arrayContaining([p.names.slot, p.names.publication]));
    expect(left.filter((n) => syncSlot.test(n))).toHaveLength(1);
    for (const sql of leftovers) await src18.query(sql, [], 'big');
    expect(await sourceObjects(src18, 'big')).toEqual([]);
    // the target's table is usable (the copy never finished: the rows are for a retry to bring)
    await holder.query('SELECT pg_advisory_unlock(4242)');
    await p.target(`INSERT INTO items (id, name) VALUES (1, 'target')`);
  });
});

describe('names and the apply error of a log', () => {
  it('names are [a-z0-9_], at most 63 bytes', () => {
    const n = replicationNames(SERVICE_ID, 4294967295);
    expect(n).toEqual({ publication: 'pgdeck_3f2a9c417be0', slot: 'pgdeck_3f2a9c417be0_4294967295', subscription: 'pgdeck_migrate' });
    for (const name of Object.values(n)) expect(name).toMatch(/^[a-z0-9_]{1,63}$/);
  });

  it("takes a worker's last ERROR (16-17 wording), not a session's", () => {
    const log = [
      '2026-01-01 10:00:00.000 UTC [700] LOG:  logical replication apply worker for subscription "pgdeck_migrate" has started',
      '2026-01-01 10:00:01.000 UTC [700] ERROR:  duplicate key value violates unique constraint "t_pkey"',
      '2026-01-01 10:00:01.000 UTC [700] DETAIL:  Key (id)=(2) already exists.',
      '2026-01-01 10:00:01.000 UTC [700] CONTEXT:  processing remote data for replication origin "pg_16439" during message type "INSERT"',
      '2026-01-01 10:00:01.000 UTC [700] LOG:  subscription "pgdeck_migrate" has been disabled because of an error',
      '2026-01-01 10:00:02.000 UTC [812] admin@shop ERROR:  relation "nope" does not exist at character 15',
      '2026-01-01 10:00:02.000 UTC [812] admin@shop STATEMENT:  SELECT * FROM nope',
    ].join('\n');
    expect(lastApplyError(log)).toBe('duplicate key value violates unique constraint "t_pkey"');
    expect(lastApplyError(log.split('\n').slice(5).join('\n'))).toBeNull();
  });
});
