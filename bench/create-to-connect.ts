// Create-to-first-connection benchmark.
//
//   npx tsx bench/create-to-connect.ts [--rounds 5] [--majors 16,17]
//
// Per installed PostgreSQL major, in one run and interleaved round by round:
//   engine: POST /v2/dbaas-postgres/{name} (hobbyist-2, that version) until the
//           first verified TLS connection (CA pinned, host 127.0.0.1) as the
//           admin user from uri-params answers SELECT 1; polled every 20 ms.
//   floor:  the same binaries by hand, as the unprivileged user: initdb, a
//           CA-signed server certificate written into the data directory,
//           pg_ctl start (ssl=on, TCP on 127.0.0.1), first verified TLS
//           connection answering SELECT 1; polled every 20 ms.
// The first create per major builds the template; it is reported apart as
// "cold" and the rounds measure the steady state.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Operation } from '@/lib/schemas/operation';
import type { Binaries } from '../engine/runtime/binaries';
import { run, type RunAs } from '../engine/runtime/process';
import { issueServerCert, type Pem } from '../engine/runtime/tls';
import { type TestEngine } from '../engine/test/harness';
import { benchEngine, busyPercent, Cleanup, cpuTimes, freeLoopbackPort, killLeftovers, median, ms, now, pollTls, sleep, useOwnPortBase } from './common';

const POLL_MS = 20;
const STEP_TIMEOUT_MS = 180_000;

interface Args {
  rounds: number;
  majors: string[] | null;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { rounds: 5, majors: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = (a ?? '').split('=', 2);
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--rounds') {
      args.rounds = Number(value());
      if (!Number.isInteger(args.rounds) || args.rounds < 1 || args.rounds > 100) throw new Error('--rounds: an integer from 1 to 100');
    } else if (flag === '--majors') {
      args.majors = value().split(',').map((s) => s.trim()).filter(Boolean);
    } else {
      throw new Error(`unknown argument ${a}; usage: create-to-connect.ts [--rounds N] [--majors 16,17]`);
    }
  }
  return args;
}

interface EngineSample {
  /** POST sent → first verified TLS connection answered SELECT 1 */
  connect: number;
  /** POST sent → operation seen as success (GET /operation polled every 20 ms) */
  operation: number;
  /** POST sent → its response */
  post: number;
  attempts: number;
  /** DELETE sent → delete operation seen as success */
  delete: number;
  /** machine-wide CPU busy % during the create (everything on the machine, this benchmark included) */
  busy: number;
}

interface FloorSample {
  total: number;
  initdb: number;
  cert: number;
  pgctl: number;
  /** pg_ctl returned → first TLS connection */
  ready: number;
  attempts: number;
  busy: number;
}

async function waitOp(t: TestEngine, id: string, timeoutMs: number): Promise<{ op: Operation; at: number }> {
  const deadline = now() + timeoutMs;
  for (let i = 0; i < Math.ceil(timeoutMs / POLL_MS) + 10 && now() < deadline; i++) {
    const res = await t.call<Operation>('GET', `/operation/${id}`);
    if (res.status !== 200) throw new Error(`GET /operation/${id}: ${res.status} ${JSON.stringify(res.body)}`);
    if (res.body.state !== 'pending') return { op: res.body, at: now() };
    await sleep(POLL_MS);
  }
  throw new Error(`operation ${id} still pending after ${timeoutMs} ms`);
}

async function engineRound(t: TestEngine, name: string, major: string): Promise<EngineSample> {
  const cpu0 = cpuTimes();
  const t0 = now();
  const res = await t.call<Operation>('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2', version: major });
  const post = now() - t0;
  if (res.status !== 200) throw new Error(`POST ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  let sample: EngineSample | null = null;
  try {
    const svc = await t.getService(name);
    const p = svc['uri-params'] ?? {};
    if (!p.host || !p.port || !p.user || !p.password || !p.dbname) throw new Error(`uri-params incomplete: ${JSON.stringify({ ...p, password: p.password ? '***' : undefined })}`);

    // The operation is watched alongside: a failure ends the wait at once.
    let failed: Error | null = null;
    const opWatch = waitOp(t, res.body.id, STEP_TIMEOUT_MS).then((r) => {
      if (r.op.state !== 'success') failed = new Error(`create ${name}: ${JSON.stringify(r.op)}`);
      return r.at;
    }, (err: Error) => {
      failed = err;
      return Number.NaN;
    });
    const conn = await pollTls(
      { host: p.host, port: Number(p.port), user: p.user, password: p.password, database: p.dbname, ca: t.engine.ca.cert },
      { intervalMs: POLL_MS, timeoutMs: STEP_TIMEOUT_MS, abort: () => failed },
    );
    const opAt = await opWatch;
    if (failed) throw failed;
    sample = { connect: conn.at - t0, operation: opAt - t0, post, attempts: conn.attempts, delete: Number.NaN, busy: busyPercent(cpu0, cpuTimes()) };
  } finally {
    // deleted in every case; timed when the create succeeded
    const deleted = await deleteService(t, name);
    if (sample) sample.delete = deleted;
  }
  return sample;
}

async function deleteService(t: TestEngine, name: string): Promise<number> {
  const t0 = now();
  // a failed create already discarded itself: nothing left to delete
  const res = await t.call<Operation>('DELETE', `/dbaas-postgres/${name}`);
  if (res.status === 404) return Number.NaN;
  if (res.status !== 200) throw new Error(`DELETE ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  const done = await waitOp(t, res.body.id, STEP_TIMEOUT_MS);
  if (done.op.state !== 'success') throw new Error(`delete ${name}: ${JSON.stringify(done.op)}`);
  return done.at - t0;
}

/** A fresh directory owned by the unprivileged user. */
function ownedDir(dir: string, runAs: RunAs | null): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (runAs) chownSync(dir, runAs.uid, runAs.gid);
}

function writeOwned(file: string, text: string, mode: number, runAs: RunAs | null): void {
  writeFileSync(file, text, { mode });
  if (runAs) chownSync(file, runAs.uid, runAs.gid);
}

async function floorRound(b: Binaries, ca: Pem, runAs: RunAs | null, root: string): Promise<FloorSample> {
  const data = join(root, 'data');
  const sock = join(root, 'run');
  ownedDir(root, runAs);
  ownedDir(sock, runAs);
  const port = await freeLoopbackPort();
  try {
    const cpu0 = cpuTimes();
    const t0 = now();
    await run(join(b.bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8'], {
      runAs,
      cwd: root,
      timeoutMs: STEP_TIMEOUT_MS,
    });
    const t1 = now();
    const tls = await issueServerCert(ca, ['127.0.0.1', 'localhost']);
    writeOwned(join(data, 'server.crt'), tls.cert, 0o644, runAs);
    writeOwned(join(data, 'server.key'), tls.key, 0o600, runAs);
    const t2 = now();
    // -W: pg_ctl does not wait (its own poll is 100 ms); readiness is our 20 ms TLS poll, as for the engine
    await run(join(b.bin, 'pg_ctl'), ['start', '-D', data, '-l', join(root, 'postgres.log'), '-W', '-s', '-o',
      `-c ssl=on -c port=${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${sock}`], { runAs, cwd: root, timeoutMs: 60_000 });
    const t3 = now();
    const conn = await pollTls(
      { host: '127.0.0.1', port, user: 'postgres', database: 'postgres', ca: ca.cert },
      { intervalMs: POLL_MS, timeoutMs: STEP_TIMEOUT_MS },
    );
    return { total: conn.at - t0, initdb: t1 - t0, cert: t2 - t1, pgctl: t3 - t2, ready: conn.at - t3, attempts: conn.attempts, busy: busyPercent(cpu0, cpuTimes()) };
  } finally {
    await stopFloor(b, runAs, root);
  }
}

async function stopFloor(b: Binaries, runAs: RunAs | null, root: string): Promise<void> {
  await run(join(b.bin, 'pg_ctl'), ['stop', '-D', join(root, 'data'), '-m', 'immediate', '-w', '-t', '60', '-s'], {
    runAs,
    cwd: '/',
    timeoutMs: 90_000,
  }).catch(() => undefined); // not started, or already stopped
  await killLeftovers(root);
  rmSync(root, { recursive: true, force: true });
}

interface MajorResult {
  major: string;
  version: string;
  cold: EngineSample | null;
  engine: EngineSample[];
  floor: FloorSample[];
}

const col = (s: string | number, w: number): string => String(s).padStart(w);

/** Median of engine/floor within each round: the two ran back to back, so they saw the same machine. */
function pairedRatio(r: MajorResult): number {
  return median(r.engine.map((e, i) => e.connect / (r.floor[i]?.total ?? Number.NaN)).filter(Number.isFinite));
}

function report(results: MajorResult[]): void {
  const med = <T>(xs: T[], f: (x: T) => number): number => median(xs.map(f).filter(Number.isFinite));
  console.log('\nMedians in ms (engine: POST → first verified TLS SELECT 1; floor: initdb + cert + pg_ctl start → same).');
  console.log('ratio = median engine / median floor; paired = median over rounds of engine/floor in the same round.');
  console.log(
    ['major', 'version', 'cold', 'engine', 'eng-op', 'floor', 'ratio', 'paired', 'initdb', 'cert', 'pg_ctl', 'ready', 'delete', 'n'].map((h) => col(h, 7)).join(' '),
  );
  for (const r of results) {
    const e = med(r.engine, (s) => s.connect);
    const f = med(r.floor, (s) => s.total);
    console.log([
      col(r.major, 7), col(r.version, 7), col(ms(r.cold?.connect ?? Number.NaN), 7), col(ms(e), 7), col(ms(med(r.engine, (s) => s.operation)), 7),
      col(ms(f), 7), col((e / f).toFixed(2), 7), col(pairedRatio(r).toFixed(2), 7), col(ms(med(r.floor, (s) => s.initdb)), 7), col(ms(med(r.floor, (s) => s.cert)), 7),
      col(ms(med(r.floor, (s) => s.pgctl)), 7), col(ms(med(r.floor, (s) => s.ready)), 7), col(ms(med(r.engine, (s) => s.delete)), 7),
      col(`${r.engine.length}/${r.floor.length}`, 7),
    ].join(' '));
  }
  console.log('\nSamples in round order, ms @ machine-wide CPU busy % during the sample:');
  for (const r of results) {
    console.log(`  ${r.major} engine: ${r.engine.map((s) => `${ms(s.connect)}@${ms(s.busy)}%`).join(' ')}`);
    console.log(`  ${r.major} floor:  ${r.floor.map((s) => `${ms(s.total)}@${ms(s.busy)}%`).join(' ')}`);
  }
  console.log(`\nJSON ${JSON.stringify(results.map((r) => ({
    major: r.major,
    version: r.version,
    coldMs: Math.round(r.cold?.connect ?? Number.NaN),
    engineMedianMs: Math.round(med(r.engine, (s) => s.connect)),
    floorMedianMs: Math.round(med(r.floor, (s) => s.total)),
    ratio: Number((med(r.engine, (s) => s.connect) / med(r.floor, (s) => s.total)).toFixed(3)),
    pairedRatio: Number(pairedRatio(r).toFixed(3)),
  })))}`);
}

async function main(cleanup: Cleanup): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const floorBase = mkdtempSync(join(tmpdir(), 'pgdeck-bench-floor-'));
  cleanup.add('floor directory', async () => {
    await killLeftovers(floorBase);
    rmSync(floorBase, { recursive: true, force: true });
  });
  // the unprivileged user must traverse it to reach its cluster directories
  mkdirSync(floorBase, { recursive: true, mode: 0o711 });
  chmodSync(floorBase, 0o711);

  const portBase = useOwnPortBase();
  const t = await benchEngine(cleanup);
  const runAs = t.engine.runAs;
  // engine and floor run the very same binaries (the engine's reachable copy)
  const majors = [...t.engine.binaries.values()]
    .filter((b) => !args.majors || args.majors.includes(b.major))
    .sort((a, b) => Number(a.major) - Number(b.major));
  if (!majors.length) throw new Error(`no installed major matches ${args.majors?.join(',')}`);
  console.log(`pgdeck create-to-connect: ${cpus().length} cpus, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, ` +
    `run as ${runAs ? runAs.name : 'current user'}, rounds ${args.rounds}, majors ${majors.map((b) => `${b.major} (${b.version})`).join(', ')}`);
  console.log(`engine data ${t.dataDir} (service ports from ${portBase}), floor clusters under ${floorBase}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  const results: MajorResult[] = majors.map((b) => ({ major: b.major, version: b.version, cold: null, engine: [], floor: [] }));
  let seq = 0;
  const serviceName = (major: string): string => `bench-${major}-${++seq}`;
  const floorRoot = (major: string): string => join(floorBase, `pg${major}-${++seq}`);

  // Warm-up: the first create builds the template (reported as cold); one untimed floor per major pages in the same files.
  for (const [i, b] of majors.entries()) {
    const r = results[i] as MajorResult;
    r.cold = await engineRound(t, serviceName(b.major), b.major);
    console.log(`warm-up ${b.major}: cold engine create ${ms(r.cold.connect)} ms (template built, op ${ms(r.cold.operation)}); delete ${ms(r.cold.delete)} ms`);
    const f = await floorRound(b, t.engine.ca, runAs, floorRoot(b.major));
    console.log(`warm-up ${b.major}: floor ${ms(f.total)} ms (untimed)`);
  }

  // Rounds: majors inside, alternating which of engine/floor goes first.
  for (let round = 1; round <= args.rounds; round++) {
    for (const [i, b] of majors.entries()) {
      const r = results[i] as MajorResult;
      const doEngine = async (): Promise<string> => {
        const s = await engineRound(t, serviceName(b.major), b.major);
        r.engine.push(s);
        return `engine ${ms(s.connect)} (op ${ms(s.operation)}, ${s.attempts} tries, cpu ${ms(s.busy)}%)`;
      };
      const doFloor = async (): Promise<string> => {
        const s = await floorRound(b, t.engine.ca, runAs, floorRoot(b.major));
        r.floor.push(s);
        return `floor ${ms(s.total)} (initdb ${ms(s.initdb)} cert ${ms(s.cert)} pg_ctl ${ms(s.pgctl)} ready ${ms(s.ready)}, cpu ${ms(s.busy)}%)`;
      };
      const parts = round % 2 ? [await doEngine(), await doFloor()] : [await doFloor(), await doEngine()];
      console.log(`round ${round}/${args.rounds} pg${b.major}: ${parts.join(', ')}`);
    }
  }
  report(results);
  console.log(`load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

const cleanup = new Cleanup();
await cleanup.main(() => main(cleanup));
