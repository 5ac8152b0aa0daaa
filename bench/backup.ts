// Backups against their floors, on one service holding about --gib GiB:
//  1. a base backup (engine: pg_backup_start, copy + sha256 of every file,
//     pg_backup_stop) against copying the same data directory with tar;
//  2. a fork, POST to first verified TLS connection, against copying the
//     data directory (cp -a) and starting PostgreSQL on it until it answers;
//  3. archive lag under a pgbench write load: for a commit sampled every
//     200 ms, the time until the WAL file holding it is archived (p50, p99),
//     against archive_timeout.
// Ratios, measured in one run, are what to compare (shared, noisy machine).
// Usage: npx tsx bench/backup.ts [--gib 1] [--rounds 3] [--seconds 60]
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Operation } from '@/lib/schemas/operation';
import type { ServicePg } from '@/lib/schemas/service';
import { backupPaths, takeBackup } from '../engine/domain/backups';
import { masterSpec } from '../engine/domain/lookup';
import { ARCHIVE_TIMEOUT_SECONDS } from '../engine/domain/plans';
import { paths } from '../engine/runtime/instance';
import { run } from '../engine/runtime/process';
import { connect, queryAs } from '../engine/test/harness';
import { benchEngine, Cleanup, median, ms, now, pollTls, sleep, useOwnPortBase } from './common';

const PGBENCH = '/usr/lib/postgresql/15/bin/pgbench';

function parseArgs(argv: string[]) {
  const a = { gib: 1, rounds: 3, seconds: 60 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] ?? '').split('=', 2);
    const v = Number(inline ?? argv[++i]);
    const key = flag?.replace(/^--/, '') as keyof typeof a;
    if (!(key in a) || !(v > 0)) throw new Error(`usage: backup.ts [--gib 1] [--rounds 3] [--seconds 60]; bad ${flag}`);
    a[key] = v;
  }
  if (a.gib > 8 || a.rounds > 10 || a.seconds > 300) throw new Error('bounds: gib ≤ 8, rounds ≤ 10, seconds ≤ 300');
  return a;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};

async function main(cleanup: Cleanup): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  useOwnPortBase();
  const t = await benchEngine(cleanup);
  const svc = await t.createService('big', { version: '17', plan: 'startup-4' });
  // the scheduler takes the first backup right after the create: let it finish before measuring ours
  for (let i = 0; i < 600 && !((await t.getService('big')).backups ?? []).length; i++) await sleep(100);
  // about 1 GiB of table: 1 kB rows
  const rows = Math.round((args.gib * 1024 ** 3) / 1100);
  console.log(`filling ${rows} rows (~${args.gib} GiB)...`);
  await queryAs(t, svc, `CREATE TABLE big AS SELECT g AS id, repeat(md5(g::text), 31) AS pad FROM generate_series(1, ${rows}) g`);
  await queryAs(t, svc, 'CHECKPOINT').catch(() => undefined);
  const rec = t.engine.services.get('big');
  if (!rec) throw new Error('no service');
  const data = paths(masterSpec(t.engine, rec).root).data;
  const floorDir = mkdtempSync(join(tmpdir(), 'pgdeck-bench-floor-'));
  chmodSync(floorDir, 0o755); // the service's OS user runs the floor cluster in it
  cleanup.add('floor copies', () => rmSync(floorDir, { recursive: true, force: true }));

  // 1. base backup against tar
  const backupMs: number[] = [];
  const tarMs: number[] = [];
  let size = 0;
  for (let r = 0; r <= args.rounds; r++) {
    const target = join(floorDir, `tar-${r}`);
    const t0 = now();
    await run('/bin/sh', ['-c', `mkdir -p '${target}' && tar -C '${data}' -cf - . | tar -C '${target}' -xf -`], { timeoutMs: 600_000 });
    const tar = now() - t0;
    rmSync(target, { recursive: true, force: true });
    const t1 = now();
    const b = await takeBackup(t.engine, 'big');
    const backup = now() - t1;
    size = b.dataSize;
    // round 0 warms the page cache for both
    if (r > 0) {
      tarMs.push(tar);
      backupMs.push(backup);
    }
    console.log(`round ${r}: tar ${ms(tar)} ms, base backup ${ms(backup)} ms (${(b.dataSize / 1024 ** 3).toFixed(2)} GiB)`);
  }

  // 2. fork to first connection against cp + pg_ctl start
  const forkMs: number[] = [];
  const floorForkMs: number[] = [];
  const spec = masterSpec(t.engine, rec);
  for (let r = 1; r <= args.rounds; r++) {
    const target = join(floorDir, `cp-${r}`);
    const t0 = now();
    await run('/bin/mkdir', ['-p', target]);
    await run('/bin/cp', ['-a', data, target], { timeoutMs: 600_000 });
    const floorSpec = { ...spec, root: target, port: spec.port + 1000 + r };
    rmSync(join(target, 'data', 'postmaster.pid'), { force: true });
    await run('/bin/chown', ['-R', `${spec.runAs?.uid ?? 0}:${spec.runAs?.gid ?? 0}`, target]);
    t.engine.runtime.writeConfig({ ...floorSpec, settings: { ...floorSpec.settings, archive_mode: 'off' } });
    await t.engine.runtime.start(floorSpec, 600_000);
    await pollTls({ host: '127.0.0.1', port: floorSpec.port, user: 'avnadmin', password: svc['uri-params']?.password, database: 'defaultdb', ca: t.engine.ca.cert }, { timeoutMs: 600_000 });
    floorForkMs.push(now() - t0);
    await t.engine.runtime.stop(floorSpec, 'immediate');
    rmSync(target, { recursive: true, force: true });

    const t1 = now();
    const res = await t.call<Operation>('POST', `/dbaas-postgres/fork-${r}`, { plan: 'startup-4', 'fork-from-service': 'big' });
    if (res.status !== 200) throw new Error(`fork: ${res.status} ${JSON.stringify(res.body)}`);
    let fork: ServicePg | null = null;
    for (; !fork; await sleep(20)) {
      const s = await t.call<ServicePg>('GET', `/dbaas-postgres/fork-${r}`);
      if (s.body['uri-params']?.port && s.body.state === 'running') fork = s.body;
      const op = await t.call<Operation>('GET', `/operation/${res.body.id}`);
      if (op.body.state === 'failure') throw new Error(`fork failed: ${op.body.message}`);
    }
    await pollTls({ host: '127.0.0.1', port: Number(fork['uri-params']?.port), user: 'avnadmin', password: fork['uri-params']?.password, database: 'defaultdb', ca: t.engine.ca.cert }, { timeoutMs: 600_000 });
    forkMs.push(now() - t1);
    console.log(`round ${r}: cp + start ${ms(floorForkMs.at(-1) ?? NaN)} ms, fork ${ms(forkMs.at(-1) ?? NaN)} ms`);
    const del = await t.call<Operation>('DELETE', `/dbaas-postgres/fork-${r}`);
    if (del.status === 200) await t.waitOperation(del.body.id, 300_000);
  }

  // 3. archive lag under pgbench
  const uri = svc['uri-params'] ?? {};
  const env = { ...process.env, PGHOST: uri.host, PGPORT: uri.port, PGUSER: uri.user, PGPASSWORD: uri.password, PGDATABASE: uri.dbname, PGSSLMODE: 'require' };
  await new Promise<void>((resolve, reject) => {
    const c = spawn(PGBENCH, ['-i', '-s', '10', '-q'], { env });
    c.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`pgbench -i exited ${code}`))));
  });
  const bench = spawn(PGBENCH, ['-c', '4', '-T', String(args.seconds), '-n'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  // listened to from the start: pgbench may end before the sampling loop does
  const benchDone = new Promise<number | null>((r) => bench.on('close', r));
  const samples: { at: number; file: string }[] = [];
  const client: pg.Client = await connect(t, svc);
  const started = Date.now();
  while (Date.now() - started < args.seconds * 1000) {
    const [row] = (await client.query<{ file: string }>('INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (1, 1, 1, 0, now()) RETURNING pg_walfile_name(pg_current_wal_insert_lsn()) AS file')).rows;
    if (row) samples.push({ at: Date.now(), file: row.file });
    await sleep(200);
  }
  await client.end();
  const code = await benchDone;
  if (code !== 0) throw new Error(`pgbench exited ${code}`);
  // every sampled file archived: wait up to archive_timeout past the end
  const wal = backupPaths(t.engine, rec).wal;
  const archivedAt = () => new Map(readdirSync(wal).filter((n) => n.endsWith('.gz')).map((n) => [n.slice(0, 24), statSync(join(wal, n)).mtimeMs]));
  let archived = archivedAt();
  for (const deadline = Date.now() + (ARCHIVE_TIMEOUT_SECONDS + 30) * 1000; samples.some((s) => !archived.has(s.file)) && Date.now() < deadline; archived = archivedAt()) await sleep(500);
  const lags = samples.map((s) => (archived.get(s.file) ?? Number.NaN) - s.at).filter(Number.isFinite);

  const b = median(backupMs);
  const tar = median(tarMs);
  const f = median(forkMs);
  const floor = median(floorForkMs);
  console.log(`\nbase backup of ${(size / 1024 ** 3).toFixed(2)} GiB: median ${ms(b)} ms vs tar ${ms(tar)} ms, ratio ${(b / tar).toFixed(2)} (goal <= 1.2)`);
  console.log(`fork to first connection: median ${ms(f)} ms vs cp -a + start ${ms(floor)} ms, ratio ${(f / floor).toFixed(2)} (goal <= 1.3)`);
  console.log(`archive lag under pgbench -c 4 (${samples.length} commits sampled, ${lags.length} archived): p50 ${ms(quantile(lags, 0.5))} ms, p99 ${ms(quantile(lags, 0.99))} ms, max ${ms(Math.max(...lags))} ms (archive_timeout ${ARCHIVE_TIMEOUT_SECONDS * 1000} ms)`);
  console.log(`load average at the end ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

const cleanup = new Cleanup();
void cleanup.main(() => main(cleanup));
