// A major upgrade of a service holding about --gib GiB: how long writes are
// refused (a client inserting every 20 ms over verified TLS; the longest gap
// between two successful inserts) and how long the whole upgrade takes, per
// round, on a fresh service each time. Goal (issue 11): writes refused ≤ 10 s.
// Usage: npx tsx bench/upgrade.ts [--from 17] [--to 18] [--gib 1] [--rounds 2]
import { loadavg } from 'node:os';
import type { Operation } from '@/lib/schemas/operation';
import { queryAs } from '../engine/test/harness';
import { benchEngine, Cleanup, median, ms, now, sleep, useOwnPortBase, Writer } from './common';

function parseArgs(argv: string[]) {
  const a = { from: 17, to: 18, gib: 1, rounds: 2 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] ?? '').split('=', 2);
    const v = Number(inline ?? argv[++i]);
    const key = flag?.replace(/^--/, '') as keyof typeof a;
    if (!(key in a) || !(v > 0)) throw new Error(`usage: upgrade.ts [--from 17] [--to 18] [--gib 1] [--rounds 2]; bad ${flag}`);
    a[key] = v;
  }
  if (a.gib > 8 || a.rounds > 5 || a.to <= a.from) throw new Error('bounds: gib ≤ 8, rounds ≤ 5, to > from');
  return a;
}

async function main(cleanup: Cleanup): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  useOwnPortBase();
  const t = await benchEngine(cleanup);
  const gaps: number[] = [];
  const totals: number[] = [];
  for (let r = 1; r <= args.rounds; r++) {
    const name = `big${r}`;
    const svc = await t.createService(name, { version: String(args.from), plan: 'startup-4' });
    // the first backup is taken right after the create: let it finish before filling
    for (let i = 0; i < 600 && !((await t.getService(name)).backups ?? []).length; i++) await sleep(100);
    const rows = Math.round((args.gib * 1024 ** 3) / 1100);
    await queryAs(t, svc, `CREATE TABLE big AS SELECT g AS id, repeat(md5(g::text), 31) AS pad FROM generate_series(1, ${rows}) g`);
    await queryAs(t, svc, 'CREATE TABLE beats (at timestamptz NOT NULL)');
    await queryAs(t, svc, 'CHECKPOINT').catch(() => undefined);
    const writer = new Writer(svc, t.engine.ca.cert);
    writer.start(30 * 60_000);
    await sleep(1000);
    const t0 = now();
    const res = await t.call<Operation>('PUT', `/dbaas-postgres/${name}`, { version: String(args.to) });
    if (res.status !== 200) throw new Error(`upgrade: ${res.status} ${JSON.stringify(res.body)}`);
    let op = res.body;
    for (const deadline = now() + 30 * 60_000; op.state === 'pending' && now() < deadline; await sleep(100)) {
      op = (await t.call<Operation>('GET', `/operation/${op.id}`)).body;
    }
    const total = now() - t0;
    await sleep(2000);
    await writer.stop();
    if (op.state !== 'success') throw new Error(`upgrade ${op.state}: ${op.message}`);
    const version = (await t.getService(name)).version;
    gaps.push(writer.longestGap());
    totals.push(total);
    console.log(`round ${r}: ${args.from} → ${version}, ${(rows * 1100 / 1024 ** 3).toFixed(2)} GiB: writes refused ${ms(writer.longestGap())} ms (${writer.refused} refused attempts), PUT → success ${ms(total)} ms`);
    console.log(`  operation: ${op.message}`);
    const del = await t.call<Operation>('DELETE', `/dbaas-postgres/${name}`);
    if (del.status === 200) await t.waitOperation(del.body.id, 300_000);
  }
  console.log(`\nwrites refused: median ${ms(median(gaps))} ms (goal ≤ 10000); upgrade total: median ${ms(median(totals))} ms`);
  console.log(`load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

const cleanup = new Cleanup();
void cleanup.main(() => main(cleanup));
