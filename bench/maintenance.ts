// Maintenance benchmark: how long a single-node minor update refuses writes.
//
//   npx tsx bench/maintenance.ts [--rounds 3]
//
// Per round: the engine, with pg16 pointed at 16.13 (the pg16-prev package),
// creates a hobbyist-2 service; the engine stops (the database keeps
// running), pg16 is pointed at 16.14 and the engine starts again. A client
// inserts a row every 20 ms over verified TLS (reconnecting every 20 ms while
// refused) while PUT /v2/dbaas-postgres/{name}/maintenance/start applies the
// update. Writes refused = the longest gap between two successful inserts
// (its resolution is the 20 ms cadence); the engine's own figure (stop begun →
// ready on the new binaries, from the operation's message) is printed beside
// it. Standbys do not exist yet, so the rolling update of a service with
// high availability (each standby, then the master) is not measured.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Operation } from '@/lib/schemas/operation';
import { Fixtures } from '../engine/test/fixtures';
import type { TestEngine } from '../engine/test/harness';
import { Cleanup, median, ms, now, sleep, useOwnPortBase, Writer } from './common';

const CADENCE_MS = 20;
const OP_TIMEOUT_MS = 180_000;

function parseArgs(argv: string[]): { rounds: number } {
  const [flag, value] = argv;
  if (flag === undefined) return { rounds: 3 };
  const rounds = Number(value);
  if (flag !== '--rounds' || !Number.isInteger(rounds) || rounds < 1 || rounds > 20) throw new Error('usage: maintenance.ts [--rounds 1..20]');
  return { rounds };
}

interface Sample { gap: number; engine: number; operation: number; refused: number; inserts: number; message: string }

async function waitOp(t: TestEngine, id: string): Promise<Operation> {
  for (const deadline = now() + OP_TIMEOUT_MS; now() < deadline; await sleep(CADENCE_MS)) {
    const res = await t.call<Operation>('GET', `/operation/${id}`);
    if (res.body.state !== 'pending') return res.body;
  }
  throw new Error(`operation ${id} still pending after ${OP_TIMEOUT_MS} ms`);
}

async function main(cleanup: Cleanup): Promise<void> {
  const { rounds } = parseArgs(process.argv.slice(2));
  const portBase = useOwnPortBase();
  const modules = join(import.meta.dirname, '..', 'node_modules');
  const scratch = mkdtempSync(join(tmpdir(), 'pgdeck-bench-maint-'));
  const packages = join(scratch, 'packages');
  mkdirSync(packages);
  const saved = process.env.PGDECK_PG_PACKAGES;
  process.env.PGDECK_PG_PACKAGES = packages;
  const f = new Fixtures();
  cleanup.add('engines, databases and directories', async () => {
    await f.cleanup();
    if (saved === undefined) delete process.env.PGDECK_PG_PACKAGES;
    else process.env.PGDECK_PG_PACKAGES = saved;
    rmSync(scratch, { recursive: true, force: true });
  });
  const pointPg16 = (pkg: string) => {
    rmSync(join(packages, 'pg16'), { force: true });
    symlinkSync(join(modules, pkg), join(packages, 'pg16'));
  };
  const dataDir = f.newDataDir();
  console.log(`pgdeck maintenance: ${cpus().length} cpus, node ${process.version}, rounds ${rounds}, service ports from ${portBase}; ` +
    `load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  const samples: Sample[] = [];
  for (let round = 1; round <= rounds; round++) {
    const name = `bench-maint-${round}`;
    pointPg16('pg16-prev');
    let t = await f.engineOn(dataDir);
    const created = await t.createService(name, { version: '16' });
    const client = new pg.Client({
      host: created['uri-params']?.host, port: Number(created['uri-params']?.port), user: created['uri-params']?.user,
      password: created['uri-params']?.password, database: created['uri-params']?.dbname, ssl: { ca: t.engine.ca.cert, rejectUnauthorized: true },
    });
    await client.connect();
    await client.query('CREATE TABLE beats (id bigserial PRIMARY KEY, at timestamptz NOT NULL)');
    await client.end();
    await f.abandon(t);

    pointPg16('pg16');
    t = await f.engineOn(dataDir);
    const writer = new Writer(await t.getService(name), t.engine.ca.cert);
    writer.start(OP_TIMEOUT_MS + 10_000);
    await sleep(1000);
    const t0 = now();
    const put = await t.call<Operation>('PUT', `/dbaas-postgres/${name}/maintenance/start`);
    if (put.status !== 200) throw new Error(`PUT maintenance/start: ${put.status} ${JSON.stringify(put.body)}`);
    const op = await waitOp(t, put.body.id);
    const operation = now() - t0;
    await sleep(1000);
    await writer.stop();
    if (op.state !== 'success' || !/16\.13 → 16\.14/.test(op.message ?? '')) throw new Error(`maintenance: ${JSON.stringify(op)}`);
    const engine = Number(/writes refused for ([\d.]+) s/.exec(op.message ?? '')?.[1] ?? Number.NaN) * 1000;
    const s: Sample = { gap: writer.longestGap(), engine, operation, refused: writer.refused, inserts: writer.ok.length, message: op.message ?? '' };
    samples.push(s);
    console.log(`round ${round}/${rounds}: writes refused ${ms(s.gap)} ms (engine says ${ms(s.engine)} ms), operation ${ms(s.operation)} ms, ` +
      `${s.inserts} inserts, ${s.refused} refused attempts; ${s.message}`);
    const del = await t.call<Operation>('DELETE', `/dbaas-postgres/${name}`);
    await waitOp(t, del.body.id);
    await f.abandon(t);
  }
  console.log(`\nmedian over ${samples.length} rounds: writes refused ${ms(median(samples.map((s) => s.gap)))} ms ` +
    `(engine's figure ${ms(median(samples.map((s) => s.engine)))} ms), PUT → success ${ms(median(samples.map((s) => s.operation)))} ms`);
  console.log(`JSON ${JSON.stringify(samples.map(({ message: _m, ...s }) => s).map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Math.round(v)]))))}`);
}

const cleanup = new Cleanup();
await cleanup.main(() => main(cleanup));
