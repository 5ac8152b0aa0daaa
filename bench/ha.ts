// High availability (issue 13, docs/design/ha.md §12), PostgreSQL 18, failover window W = 10 s:
//  1. kill: kill -9 of the master's postmaster → the first commit through the URI by a new backend (a writer on
//     one connection, reconnecting every 50 ms); the engine restarts it in place, no failover. Goal p50 ≤ 5 s.
//  2. stop: SIGSTOP of the master's postmaster → the first commit by a new backend (its open session keeps
//     committing until it is fenced), with the failover row's phases. Goal ≤ W + 2 s every run. Each run
//     waits until the old master is back, running as a standby, and hangs the new master next.
//  3. loss: 4 writers at full speed keep every acknowledged (writer, seq); SIGSTOP 5-15 s in; the rows missing
//     on the new master after the failover: business-4 async (recorded), premium-4 quorum (goal 0).
//  4. tps: pgbench -n -c 4 -j 2 -T 30 on premium-4, quorum against off (PUT synchronous-replication), ABBA.
//  5. lag: pgbench -n -c 4 -j 2 -R 300 (--rate) -T 60 on premium-4 (off, then quorum): a probe row every 100 ms on the
//     master, a poller on each standby's port (one clock); pgdeck-lag-bytes sampled each second.
//  6. relay: after a failover, pgbench -S -n -c 4 -j 2 -T 20 through the service's port (the relay) against
//     the master node's own port, ABBA.
// Ratios measured in one run are what to compare (shared, noisy 2-core machine). Loopback only; bounded.
// Usage: npx tsx bench/ha.ts [--parts kill,stop,loss,relay,tps,lag] [--kills 10] [--stops 10] [--losses 10]
//        [--rounds 3] [--tps-seconds 30] [--lag-seconds 60] [--rate 300] [--relay-seconds 20]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Operation } from '@/lib/schemas/operation';
import type { FailoverView, ServicePg } from '@/lib/schemas/service';
import { paths } from '../engine/runtime/instance';
import { until } from '../engine/test/engine-process';
import { connect, queryAs, type TestEngine } from '../engine/test/harness';
import { benchEngine, Cleanup, median, ms, now, sleep, useOwnPortBase } from './common';
import { ackWriter, clientConfig, LagProbe, Pgbench, UriWriter, type Acked, type PgbenchResult } from './ha-clients';

const W = 10;
const PARTS = ['kill', 'stop', 'loss', 'relay', 'tps', 'lag'] as const;

function parseArgs(argv: string[]) {
  const a = { kills: 10, stops: 10, losses: 10, rounds: 3, 'tps-seconds': 30, 'lag-seconds': 60, rate: 300, 'relay-seconds': 20 };
  let parts = new Set<string>(PARTS);
  const usage = 'usage: ha.ts [--parts kill,stop,loss,relay,tps,lag] [--kills 10] [--stops 10] [--losses 10] [--rounds 3] [--tps-seconds 30] [--lag-seconds 60] [--rate 300] [--relay-seconds 20]';
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] ?? '').split('=', 2);
    const raw = inline ?? argv[++i] ?? '';
    if (flag === '--parts') {
      parts = new Set(raw.split(',').map((s) => s.trim()));
      if ([...parts].some((p) => !(PARTS as readonly string[]).includes(p))) throw new Error(`${usage}; bad --parts ${raw}`);
      continue;
    }
    const key = flag?.replace(/^--/, '') as keyof typeof a;
    const v = Number(raw);
    if (!(key in a) || !Number.isInteger(v) || v < 1) throw new Error(`${usage}; bad ${flag}`);
    a[key] = v;
  }
  if (a.kills > 20 || a.stops > 20 || a.losses > 20 || a.rounds > 5 || a['tps-seconds'] > 120 || a['lag-seconds'] > 300 || a['relay-seconds'] > 120 || a.rate > 5000) {
    throw new Error('bounds: kills, stops, losses ≤ 20; rounds ≤ 5; tps-seconds, relay-seconds ≤ 120; lag-seconds ≤ 300; rate ≤ 5000');
  }
  return { ...a, parts };
}
type Args = ReturnType<typeof parseArgs>;

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? Number.NaN;
};
const secs = (x: number): string => (x / 1000).toFixed(1);
const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

interface Bench {
  t: TestEngine;
  args: Args;
  /** Postmasters this bench stopped that may still live: SIGCONT at cleanup, so the engine can stop them. */
  stopped: Set<number>;
  summary: string[][];
}

async function api<T>(t: TestEngine, method: string, path: string, body?: unknown): Promise<T> {
  const res = await t.call<T>(method, path, body);
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function waitOk(t: TestEngine, op: Operation, what: string, timeoutMs = 300_000): Promise<void> {
  const done = await t.waitOperation(op.id, timeoutMs);
  if (done.state !== 'success') throw new Error(`${what}: ${done.state}: ${done.message}`);
}

async function createHa(t: TestEngine, name: string, plan: string, sync: 'off' | 'quorum'): Promise<ServicePg> {
  const t0 = now();
  const op = await api<Operation>(t, 'POST', `/dbaas-postgres/${name}`, {
    plan, version: '18', 'synchronous-replication': sync, 'pglookout-settings': { max_failover_replication_time_lag: W },
  });
  await waitOk(t, op, `create ${name}`);
  // the first backup is taken right after the create: let it finish before measuring
  await until(`${name}: its first backup`, async () => ((await t.getService(name)).backups ?? []).length > 0, 300_000, 200);
  const svc = await settled(t, name, sync);
  console.log(`${name}: ${plan}, PostgreSQL ${svc.version}, synchronous-replication ${sync}, ${svc['node-states']?.length} nodes running in ${secs(now() - t0)} s`);
  return svc;
}

async function removeService(t: TestEngine, name: string): Promise<void> {
  const del = await t.call<Operation>('DELETE', `/dbaas-postgres/${name}`);
  if (del.status === 200) await t.waitOperation(del.body.id, 300_000);
}

/** Every node running, each standby streaming (and in the quorum when asked), no failover unfinished. */
function settled(t: TestEngine, name: string, sync: 'off' | 'quorum'): Promise<ServicePg> {
  return until(`${name}: every node running, the standbys streaming, no failover under way`, async () => {
    const s = await t.getService(name);
    const nodes = s['node-states'] ?? [];
    const standbys = nodes.filter((n) => n.role === 'standby');
    const failover = s['pgdeck-failovers']?.[0];
    return s.state === 'running' && nodes.length >= 2 && nodes.every((n) => n.state === 'running')
      && standbys.every((n) => typeof n['pgdeck-lag-bytes'] === 'number' && (sync === 'off' || n['pgdeck-sync-state'] === 'quorum'))
      && (!failover || failover.state === 'done') && s;
  }, 600_000, 250);
}

/** The master's postmaster pid and node, as the engine knows them. */
function masterNow(t: TestEngine, name: string): { node: string; port: number; pid: number } {
  const rec = t.engine.services.get(name);
  const node = t.engine.nodes.master(name);
  const pid = rec && node ? t.engine.runtime.pid(t.engine.nodeRoot(rec, node)) : null;
  if (!node || pid === null) throw new Error(`${name}: no running master`);
  return { node: node.name, port: node.port, pid };
}

/** The failover of `from` that started after `wallMs`, once clients can write again (total-ms set). */
function failoverAfter(t: TestEngine, name: string, from: string, wallMs: number, done = false): Promise<FailoverView> {
  return until(`${name}: a failover from ${from}${done ? ' finished' : ''}`, async () => {
    const f = (await t.getService(name))['pgdeck-failovers']?.find((x) => x.from === from && Date.parse(x.at) > wallMs);
    return f && f['total-ms'] !== null && (!done || f.state === 'done') && f;
  }, done ? 600_000 : 120_000, done ? 250 : 100);
}

const phaseText = (f: FailoverView): string =>
  ['fence', 'choose', 'promote', 'repoint'].map((k) => `${k} ${ms(f['phases-ms'][k] ?? Number.NaN)}`).join(', ');

async function startWriter(t: TestEngine, svc: ServicePg): Promise<UriWriter> {
  await queryAs(t, svc, 'CREATE TABLE IF NOT EXISTS beats (id bigserial PRIMARY KEY, at timestamptz NOT NULL)');
  const writer = new UriWriter(clientConfig(svc, t.engine.ca.cert), 50);
  writer.start(50 * 60_000);
  await until(`the writer to commit (${writer.lastError})`, () => writer.commits.length > 5, 30_000);
  return writer;
}

/** How many of the writer's acknowledged rows the master does not have (a failover of a master that took writes after its standby last received). */
async function missingBeats(t: TestEngine, svc: ServicePg, writer: UriWriter): Promise<number> {
  const ids = writer.commits.map((c) => c.id);
  const client = await connect(t, svc);
  try {
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM beats WHERE id = ANY($1::bigint[])', [ids]);
    return ids.length - (rows[0]?.n ?? 0);
  } finally {
    await client.end().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 1. kill -9 of the master

/**
 * Where the restart's time went, from the node's postgres.log (its lines carry the time to the millisecond): the
 * start attempts refused (FATAL, the killed postmaster's children still holding its shared memory), the postmaster
 * that started, the end of crash recovery, ready; each as ms after `wallMs`.
 */
function restartFromLog(log: string, wallMs: number): string {
  let text = '';
  try {
    text = readFileSync(log, 'utf8');
  } catch {
    return 'no log';
  }
  const lines = text.split('\n').flatMap((line) => {
    const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3}) UTC \[\d+\] (.*)$/.exec(line);
    const at = m ? Date.parse(`${m[1]}T${m[2]}Z`) - wallMs : Number.NaN;
    return m && at >= 0 ? [{ at, msg: m[3] ?? '' }] : [];
  });
  const first = (re: RegExp) => lines.find((l) => re.test(l.msg))?.at ?? Number.NaN;
  const fatal = lines.filter((l) => /^FATAL/.test(l.msg));
  return `log: ${fatal.length} start${fatal.length === 1 ? '' : 's'} refused${fatal[0] ? ` (${fatal[0].msg.slice(0, 70)})` : ''}, ` +
    `postmaster started +${ms(first(/starting PostgreSQL/))}, redo done +${ms(first(/redo done/))}, ready +${ms(first(/ready to accept connections/))}`;
}

async function killPart(b: Bench, svc: ServicePg, writer: UriWriter): Promise<void> {
  const { t, args } = b;
  const name = svc.name;
  console.log(`\n== 1. kill -9 of the master's postmaster → first commit through the URI by a new backend, ${args.kills} runs`);
  const totals: number[] = [];
  const backs: number[] = [];
  for (let r = 1; r <= args.kills; r++) {
    await settled(t, name, 'off');
    await sleep(1000);
    const before = (await t.getService(name))['pgdeck-failovers']?.[0]?.at;
    const m = masterNow(t, name);
    const rec = t.engine.services.get(name);
    const node = t.engine.nodes.master(name);
    if (!rec || !node) throw new Error('no master');
    const oldPid = writer.last()?.pid ?? 0;
    const wall0 = Date.now();
    const t0 = now();
    process.kill(m.pid, 'SIGKILL');
    const back = until('the postmaster restarted', () => {
      const pid = t.engine.runtime.pid(t.engine.nodeRoot(rec, node));
      return pid !== null && pid !== m.pid && now();
    }, 120_000, 20);
    const commit = await until(`a commit by a new backend (${writer.lastError})`, () => writer.firstNewBackend(t0, oldPid), 120_000, 20);
    const backAt = await back;
    // a failover, if the restart's time counts against the window, starts by W after the last answer: look after that
    await sleep(Math.max(0, t0 + (W + 3) * 1000 - now()));
    const after = await t.getService(name);
    const failedOver = after['pgdeck-failovers']?.[0]?.at !== before || t.engine.nodes.master(name)?.name !== m.node;
    totals.push(commit.at - t0);
    backs.push(backAt - t0);
    console.log(`run ${r}: ${m.node} (pid ${m.pid}) killed → postmaster running again ${ms(backAt - t0)} ms, first commit ${ms(commit.at - t0)} ms` +
      `${failedOver ? ' — A FAILOVER HAPPENED' : ', no failover'}; load ${load()}`);
    console.log(`  ${restartFromLog(paths(t.engine.nodeRoot(rec, node)).log, wall0)}`);
  }
  const missing = await missingBeats(t, svc, writer);
  const p50 = median(totals);
  console.log(`acknowledged commits (one every 50 ms) missing from the master after the ${args.kills} runs: ${missing}`);
  console.log(`kill -9 → first commit: p50 ${ms(p50)} ms, p95 ${ms(quantile(totals, 0.95))} ms, max ${ms(Math.max(...totals))} ms (goal p50 ≤ 5000); ` +
    `postmaster running again: p50 ${ms(median(backs))} ms`);
  b.summary.push(['1 kill -9 → first commit', `p50 ${ms(p50)} ms, p95 ${ms(quantile(totals, 0.95))} ms (n ${totals.length})`, 'p50 ≤ 5000 ms', p50 <= 5000 ? 'met' : 'MISSED']);
}

// ---------------------------------------------------------------------------------------------------------------
// 2. SIGSTOP of the master: failover

interface StopRun {
  total: number;
  /** The failover row once clients could write again, and once the old master was rebuilt. */
  failover: FailoverView;
  done: FailoverView;
}

/** One hung master → failover run; answers after the old master runs again as a standby. */
async function stopRun(b: Bench, svc: ServicePg, writer: UriWriter, label: string): Promise<StopRun> {
  const { t } = b;
  const name = svc.name;
  await settled(t, name, 'off');
  await sleep(2000);
  const m = masterNow(t, name);
  const oldPid = writer.last()?.pid ?? 0;
  const wall0 = Date.now();
  const t0 = now();
  process.kill(m.pid, 'SIGSTOP');
  b.stopped.add(m.pid);
  const commit = await until(`a commit by a new backend (${writer.lastError})`, () => writer.firstNewBackend(t0, oldPid), 120_000, 20);
  const total = commit.at - t0;
  const f = await failoverAfter(t, name, m.node, wall0);
  const kept = (writer.lastBy(oldPid)?.at ?? t0) - t0;
  const newMaster = masterNow(t, name);
  console.log(`${label}: ${m.node} stopped → ${f.to}: first commit ${ms(total)} ms (total − W ${ms(total - W * 1000)}), on port ${commit.port}` +
    `${commit.port === newMaster.port ? '' : ` (NOT the new master's ${newMaster.port})`}; the hung master's session committed until +${ms(kept)} ms; ` +
    `failover row: started +${ms(Date.parse(f.at) - wall0)} ms, total-ms ${ms(f['total-ms'] ?? Number.NaN)} (${phaseText(f)})`);
  const done = await failoverAfter(t, name, m.node, wall0, true);
  try {
    process.kill(m.pid, 0);
    console.log(`  the stopped postmaster ${m.pid} still exists`);
  } catch {
    b.stopped.delete(m.pid);
  }
  console.log(`  ${m.node} rebuilt as a standby: ${done.rebuild} in ${ms(done['phases-ms'].rebuild ?? Number.NaN)} ms; load ${load()}`);
  return { total, failover: f, done };
}

async function stopPart(b: Bench, svc: ServicePg, writer: UriWriter): Promise<void> {
  const { args } = b;
  console.log(`\n== 2. SIGSTOP of the master's postmaster, W = ${W} s → first commit through the URI by a new backend, ${args.stops} runs`);
  const runs: StopRun[] = [];
  for (let r = 1; r <= args.stops; r++) runs.push(await stopRun(b, svc, writer, `run ${r}`));
  const totals = runs.map((x) => x.total);
  const phase = (k: string) => ms(median(runs.map((x) => x.failover['phases-ms'][k] ?? Number.NaN)));
  const over = runs.filter((x) => x.total > (W + 2) * 1000).length;
  console.log(`acknowledged commits (one every 50 ms) missing from the master after the ${args.stops} runs: ${await missingBeats(b.t, svc, writer)}`);
  console.log(`SIGSTOP → first commit: p50 ${ms(median(totals))} ms, p95 ${ms(quantile(totals, 0.95))} ms, max ${ms(Math.max(...totals))} ms; ` +
    `total − W p50 ${ms(median(totals) - W * 1000)} ms, max ${ms(Math.max(...totals) - W * 1000)} ms; ${over} of ${runs.length} runs over W + 2 s; ` +
    `engine total-ms p50 ${ms(median(runs.map((x) => x.failover['total-ms'] ?? Number.NaN)))}; phases p50: fence ${phase('fence')}, choose ${phase('choose')}, ` +
    `promote ${phase('promote')}, repoint ${phase('repoint')}; rebuild p50 ${ms(median(runs.map((x) => x.done['phases-ms'].rebuild ?? Number.NaN)))} ms ` +
    `(${runs.map((x) => x.done.rebuild).join(' ')})`);
  b.summary.push(['2 SIGSTOP → first commit', `p50 ${ms(median(totals))} ms, max ${ms(Math.max(...totals))} ms; − W: p50 ${ms(median(totals) - W * 1000)}, max ${ms(Math.max(...totals) - W * 1000)} (n ${runs.length})`,
    `≤ W + 2 s every run`, over ? `MISSED in ${over} of ${runs.length}` : 'met']);
}

// ---------------------------------------------------------------------------------------------------------------
// 3. acknowledged commits lost

async function lossPart(b: Bench, svc: ServicePg, sync: 'off' | 'quorum'): Promise<void> {
  const { t, args } = b;
  const name = svc.name;
  const cfg = clientConfig(svc, t.engine.ca.cert);
  console.log(`\n== 3. acknowledged commits lost, ${name} (${sync === 'quorum' ? 'quorum' : 'asynchronous'}): 4 writers at full speed, SIGSTOP 5-15 s in, ${args.losses} runs`);
  await queryAs(t, svc, 'CREATE TABLE IF NOT EXISTS acked (run int, writer int, seq int, PRIMARY KEY (run, writer, seq))');
  const base = Number((await queryAs(t, svc, 'SELECT coalesce(max(run), 0) AS r FROM acked'))[0]?.r ?? 0);
  const lost: number[] = [];
  const totals: number[] = [];
  for (let r = 1; r <= args.losses; r++) {
    const runNo = base + r;
    await settled(t, name, sync);
    await sleep(1000);
    const outs: Acked[] = Array.from({ length: 4 }, () => ({ seqs: [], ats: [] }));
    let writing = true;
    const writers = outs.map((o, i) => ackWriter(cfg, runNo, i, () => writing, o));
    try {
      const delay = 5000 + Math.random() * 10_000;
      await sleep(delay);
      const m = masterNow(t, name);
      const wall0 = Date.now();
      const t0 = now();
      process.kill(m.pid, 'SIGSTOP');
      b.stopped.add(m.pid);
      const f = await failoverAfter(t, name, m.node, wall0);
      const before = outs.map((o) => o.seqs.length);
      await until('the writers to commit on the new master', () => outs.every((o, i) => o.seqs.length > (before[i] ?? 0) + 5), 120_000);
      writing = false;
      await Promise.all(writers);
      const client = await connect(t, svc);
      let have: Set<string>;
      try {
        const { rows } = await client.query<{ writer: number; seq: number }>('SELECT writer, seq FROM acked WHERE run = $1', [runNo]);
        have = new Set(rows.map((x) => `${x.writer}:${x.seq}`));
      } finally {
        await client.end().catch(() => undefined);
      }
      const missing = outs.flatMap((o, w) => o.seqs.filter((s) => !have.has(`${w}:${s}`)).map((s) => `${w}:${s}`));
      const acked = outs.reduce((n, o) => n + o.seqs.length, 0);
      const duringHang = outs.reduce((n, o) => n + o.ats.filter((at) => at > t0 && at < t0 + W * 1000).length, 0);
      lost.push(missing.length);
      totals.push(acked);
      console.log(`run ${r}: SIGSTOP of ${m.node} at +${secs(delay)} s → ${f.to} (${phaseText(f)}); acknowledged ${acked} (${duringHang} in the ${W} s after the SIGSTOP), ` +
        `missing on the new master ${missing.length}${missing.length ? `: ${missing.slice(0, 8).join(' ')}${missing.length > 8 ? ' …' : ''}` : ''}; load ${load()}`);
      await failoverAfter(t, name, m.node, wall0, true);
      b.stopped.delete(m.pid);
    } finally {
      writing = false;
      await Promise.all(writers);
    }
  }
  const sum = lost.reduce((a, x) => a + x, 0);
  console.log(`${sync}: lost ${sum} of ${totals.reduce((a, x) => a + x, 0)} acknowledged commits over ${lost.length} runs (per run: ${lost.join(' ')})`);
  b.summary.push([`3 acked commits lost, ${sync === 'quorum' ? 'premium-4 quorum' : 'business-4 async'}`, `${sum} over ${lost.length} runs (${lost.join(' ')})`,
    sync === 'quorum' ? '0' : 'recorded', sync === 'quorum' ? (sum === 0 ? 'met' : 'MISSED') : '-']);
}

// ---------------------------------------------------------------------------------------------------------------
// 4. write TPS, quorum against off

/**
 * pgbench rounds of two alternatives in ABBA order (a load that rises or falls through the run hits both alike):
 * each round's tps, the medians, their ratio and the median of the rounds' ratios, printed and summarized.
 */
async function abba<K extends string>(b: Bench, label: string, [x, y]: [K, K], once: (kind: K) => Promise<PgbenchResult>): Promise<void> {
  const tps = new Map<K, number[]>([[x, []], [y, []]]);
  for (let r = 1; r <= b.args.rounds; r++) {
    for (const kind of r % 2 ? [x, y] : [y, x]) {
      const res = await once(kind);
      tps.get(kind)?.push(res.tps);
      console.log(`round ${r} ${kind.padEnd(6)}: ${res.tps.toFixed(0)} tps, latency average ${res.latencyMs.toFixed(3)} ms; load ${load()}`);
    }
  }
  const xs = tps.get(x) ?? [];
  const ys = tps.get(y) ?? [];
  const ratio = median(xs) / median(ys);
  const paired = median(xs.map((v, i) => v / (ys[i] ?? Number.NaN)));
  const figure = `${median(xs).toFixed(0)} / ${median(ys).toFixed(0)} tps = ${ratio.toFixed(2)} (paired ${paired.toFixed(2)})`;
  console.log(`${x} / ${y} medians: ${figure}`);
  b.summary.push([`${label} ${x} / ${y}`, figure, 'recorded', '-']);
}

async function setSync(t: TestEngine, svc: ServicePg, sync: 'off' | 'quorum'): Promise<void> {
  await waitOk(t, await api<Operation>(t, 'PUT', `/dbaas-postgres/${svc.name}`, { 'synchronous-replication': sync }), `synchronous-replication ${sync}`);
  const [row] = await queryAs(t, svc, 'SHOW synchronous_standby_names');
  const names = String(row?.synchronous_standby_names ?? '');
  if ((sync === 'quorum') !== names.startsWith('ANY')) throw new Error(`synchronous-replication ${sync}: the master has synchronous_standby_names '${names}'`);
  await settled(t, svc.name, sync);
}

async function tpsPart(b: Bench, svc: ServicePg, bench: Pgbench): Promise<void> {
  const { t, args } = b;
  const secsT = args['tps-seconds'];
  console.log(`\n== 4. write TPS: pgbench -n -c 4 -j 2 -T ${secsT} through the URI on ${svc.name}, quorum against off, ${args.rounds} rounds each (ABBA)`);
  await abba(b, '4 write TPS', ['quorum', 'off'], async (mode) => {
    await setSync(t, svc, mode);
    return bench.run(['-n', '-c', '4', '-j', '2', '-T', String(secsT)], { timeoutMs: (secsT + 120) * 1000 });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// 5. replication lag under a write load

async function lagPart(b: Bench, svc: ServicePg, bench: Pgbench): Promise<void> {
  const { t, args } = b;
  const secsT = args['lag-seconds'];
  console.log(`\n== 5. replication lag: pgbench -n -c 4 -j 2 -R ${args.rate} -T ${secsT} through the URI on ${svc.name}; a probe row every 100 ms, a poller on each standby`);
  await queryAs(t, svc, 'CREATE TABLE IF NOT EXISTS probe (id int PRIMARY KEY, at timestamptz NOT NULL)');
  for (const mode of ['off', 'quorum'] as const) {
    await setSync(t, svc, mode);
    await queryAs(t, svc, 'TRUNCATE probe');
    const s = await settled(t, svc.name, mode);
    const ports = (s['node-states'] ?? []).filter((n) => n.role === 'standby').map((n) => [n.name, n['pgdeck-port'] as number] as const);
    const master = await connect(t, svc);
    const onPort = (port: number): ServicePg => ({ ...svc, 'uri-params': { ...svc['uri-params'], port: String(port) } });
    const standbys = new Map(await Promise.all(ports.map(async ([, port]) => [port, await connect(t, onPort(port))] as const)));
    const lagBytes = new Map<string, number[]>(ports.map(([n]) => [n, []]));
    let sampling = true;
    const deadline = now() + (secsT + 120) * 1000;
    const sampler = (async () => {
      while (sampling && now() < deadline) {
        const tick = now();
        for (const n of (await t.getService(svc.name))['node-states'] ?? []) {
          if (typeof n['pgdeck-lag-bytes'] === 'number') lagBytes.get(n.name)?.push(n['pgdeck-lag-bytes']);
        }
        await sleep(Math.max(0, 1000 - (now() - tick)));
      }
    })();
    const probe = new LagProbe(master, standbys);
    try {
      const run = bench.run(['-n', '-c', '4', '-j', '2', '-R', String(args.rate), '-T', String(secsT)], { timeoutMs: (secsT + 60) * 1000 });
      await probe.run(run, deadline);
      const res = await run;
      const saturated = res.tps < 0.95 * args.rate ? ` — SATURATED: ${res.tps.toFixed(0)} of the ${args.rate} tps asked` : '';
      console.log(`${mode}: pgbench ${res.tps.toFixed(0)} tps, latency average ${res.latencyMs.toFixed(2)} ms (schedule lag included)${saturated}; probes inserted ${probe.inserted}; load ${load()}`);
    } finally {
      sampling = false;
      await sampler;
      await Promise.all([master, ...standbys.values()].map((c) => c.end().catch(() => undefined)));
    }
    for (const [node, port] of ports) {
      const lags = probe.lags.get(port) ?? [];
      const bytes = lagBytes.get(node) ?? [];
      console.log(`  ${node} (port ${port}): lag p50 ${ms(quantile(lags, 0.5))} ms, p95 ${ms(quantile(lags, 0.95))} ms, p99 ${ms(quantile(lags, 0.99))} ms, ` +
        `max ${ms(Math.max(...lags))} ms (${lags.length} rows); pgdeck-lag-bytes, ${bytes.length} samples: p50 ${quantile(bytes, 0.5)}, p99 ${quantile(bytes, 0.99)}, max ${Math.max(...bytes)}`);
      b.summary.push([`5 lag ${mode} -R ${args.rate}, ${node}`, `p50 ${ms(quantile(lags, 0.5))}, p95 ${ms(quantile(lags, 0.95))}, p99 ${ms(quantile(lags, 0.99))} ms; lag-bytes p50 ${quantile(bytes, 0.5)}`, 'recorded', '-']);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 6. the relay's cost

async function relayPart(b: Bench, svc: ServicePg, bench: Pgbench): Promise<void> {
  const { t, args } = b;
  const secsT = args['relay-seconds'];
  const master = masterNow(t, svc.name);
  const svcPort = Number(svc['uri-params']?.port);
  if (master.port === svcPort) throw new Error('the master runs on the service port: no relay to measure');
  console.log(`\n== 6. the relay: pgbench -S -n -c 4 -j 2 -T ${secsT} through the service port ${svcPort} (relay) against ${master.node}'s port ${master.port}, ${args.rounds} rounds each (ABBA)`);
  await bench.run(['-i', '-q', '-s', '10'], { timeoutMs: 600_000 });
  await abba(b, '6 pgbench -S', ['relay', 'direct'], (via) =>
    bench.run(['-S', '-n', '-c', '4', '-j', '2', '-T', String(secsT)], { port: via === 'relay' ? svcPort : master.port, timeoutMs: (secsT + 120) * 1000 }));
}

// ---------------------------------------------------------------------------------------------------------------

async function main(cleanup: Cleanup): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = now();
  useOwnPortBase();
  let commit = '?';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a checkout
  }
  console.log(`pgdeck HA bench: commit ${commit}, ${cpus().length} cpus, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB, node ${process.version}; ` +
    `${new Date().toISOString()}; load ${load()}; ${JSON.stringify({ ...args, parts: [...args.parts] })}`);
  const t = await benchEngine(cleanup);
  // the harness's supervisor checks every 300 ms (for tests); engine/main.ts's every second, its default: measure that
  t.supervisor.stop();
  (t.supervisor as unknown as { intervalMs: number }).intervalMs = 1000;
  t.supervisor.start();
  console.log(`engine data ${t.dataDir}; supervisor every 1000 ms, health probe every 1000 ms, failover window ${W} s`);
  const b: Bench = { t, args, stopped: new Set(), summary: [] };
  cleanup.add('SIGCONT', () => {
    for (const pid of b.stopped) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // gone
      }
    }
  });
  const has = (p: string): boolean => args.parts.has(p);

  if (has('kill') || has('stop') || has('loss') || has('relay')) {
    const svc = await createHa(t, 'ha2', 'business-4', 'off');
    if (has('kill') || has('stop') || has('relay')) {
      const writer = await startWriter(t, svc);
      try {
        if (has('kill')) await killPart(b, svc, writer);
        if (has('stop')) await stopPart(b, svc, writer);
        else if (has('relay')) await stopRun(b, svc, writer, 'a failover to put the relay in front');
      } finally {
        await writer.stop();
      }
    }
    if (has('loss')) await lossPart(b, svc, 'off');
    if (has('relay')) await relayPart(b, await settled(t, 'ha2', 'off'), new Pgbench(svc, join(t.dataDir, 'bench-ha2')));
    await removeService(t, 'ha2');
  }
  if (has('loss') || has('tps') || has('lag')) {
    const svc = await createHa(t, 'ha3', 'premium-4', 'quorum');
    if (has('loss')) await lossPart(b, svc, 'quorum');
    const bench = new Pgbench(svc, join(t.dataDir, 'bench-ha3'));
    if (has('tps') || has('lag')) await bench.run(['-i', '-q', '-s', '10'], { timeoutMs: 600_000 });
    if (has('tps')) await tpsPart(b, svc, bench);
    if (has('lag')) await lagPart(b, svc, bench);
    await removeService(t, 'ha3');
  }

  console.log(`\nSummary (W = ${W} s, PostgreSQL 18; ${secs(now() - started)} s in all; load average at the end ${load()})`);
  const rows = [['measure', 'figure', 'goal', 'verdict'], ...b.summary];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  for (const r of rows) console.log(`  ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`);
}

const cleanup = new Cleanup();
void cleanup.main(() => main(cleanup));
