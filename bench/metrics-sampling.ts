// Metrics sampling cost: the engine's CPU time for sampling N real services.
//
//   npx tsx bench/metrics-sampling.ts [--services 20] [--rounds 30] [--window 30] [--settle 40]
//
// Starts an in-process engine on a temporary data directory (its own sampler
// held back: PGDECK_METRICS_INTERVAL=3600), creates N hobbyist-2 services, each
// with a connection pool so that PgBouncer is sampled too, and lets them settle
// (each service's first base backup runs in the background after its creation).
// Then it measures this process's CPU time (user + system, every thread):
// an idle window, the same window with `--rounds` sampling rounds spread over it,
// and a second idle window. The rounds' extra CPU over the mean idle, per round,
// divided by the default interval (10 s) is the share of one core sampling costs.
// Each round is also timed alone (process.cpuUsage around it, which includes
// whatever else the engine did meanwhile: health probes every second).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { MetricsSampler } from '../engine/domain/metrics-sampler';
import { benchEngine, Cleanup, median, now, sleep, useOwnPortBase } from './common';

const DEFAULT_INTERVAL_S = 10;

function parseArgs(argv: string[]): { services: number; rounds: number; windowS: number; settleS: number } {
  const out = { services: 20, rounds: 30, windowS: 30, settleS: 40 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] ?? '').split('=', 2);
    const v = Number(inline ?? argv[++i]);
    if (flag === '--services' && Number.isInteger(v) && v >= 1 && v <= 100) out.services = v;
    else if (flag === '--rounds' && Number.isInteger(v) && v >= 1 && v <= 600) out.rounds = v;
    else if (flag === '--window' && Number.isFinite(v) && v >= 5 && v <= 600) out.windowS = v;
    else if (flag === '--settle' && Number.isFinite(v) && v >= 0 && v <= 600) out.settleS = v;
    else throw new Error(`bad argument ${flag}; usage: metrics-sampling.ts [--services 1..100] [--rounds 1..600] [--window 5..600] [--settle 0..600]`);
  }
  return out;
}

const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function idleWindow(seconds: number): Promise<number> {
  const c0 = cpuSeconds();
  await sleep(seconds * 1000);
  return cpuSeconds() - c0;
}

async function main(cleanup: Cleanup): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  process.env.PGDECK_METRICS_INTERVAL = '3600';
  const portBase = useOwnPortBase();
  const t = await benchEngine(cleanup);
  console.log(`pgdeck metrics-sampling: ${cpus().length} cpus, node ${process.version}, ${args.services} x hobbyist-2 with a pool each, ` +
    `${args.rounds} rounds in a ${args.windowS} s window, ports from ${portBase}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (let i = 1; i <= args.services; i++) {
    const name = `m-${String(i).padStart(2, '0')}`;
    await t.createService(name);
    const res = await t.call<{ id: string }>('POST', `/dbaas-postgres/${name}/connection-pool`, { name: 'web', 'database-name': 'defaultdb' });
    if (res.status !== 200 || (await t.waitOperation(res.body.id)).state !== 'success') throw new Error(`pool of ${name}: ${res.status}`);
    if (i % 5 === 0 || i === args.services) console.log(`created ${i} services`);
  }
  await sleep(args.settleS * 1000);

  const sampler = new MetricsSampler(t.engine);
  await sampler.round(); // warm: first counters, the backup directories listed once
  const idle1 = await idleWindow(args.windowS);
  const perRound: number[] = [];
  const wall: number[] = [];
  const c0 = cpuSeconds();
  const w0 = now();
  for (let r = 0; r < args.rounds; r++) {
    const due = w0 + ((r + 1) * args.windowS * 1000) / (args.rounds + 1);
    await sleep(Math.max(0, due - now()));
    const a = cpuSeconds();
    const s = now();
    await sampler.round();
    wall.push(now() - s);
    perRound.push(cpuSeconds() - a);
  }
  await sleep(Math.max(0, w0 + args.windowS * 1000 - now()));
  const sampled = cpuSeconds() - c0;
  const idle2 = await idleWindow(args.windowS);
  await sampler.stop();

  const idle = (idle1 + idle2) / 2;
  const extraPerRound = (sampled - idle) / args.rounds;
  const pct = (x: number) => ((100 * x) / DEFAULT_INTERVAL_S).toFixed(2);
  const mp = (x: number) => (1000 * x).toFixed(1);
  const rows = await t.call<{ metrics: Record<string, unknown> }>('POST', '/dbaas-service-metrics/m-01', {});
  console.log(`engine CPU, ${args.windowS} s windows: idle ${idle1.toFixed(3)} s and ${idle2.toFixed(3)} s, with ${args.rounds} rounds ${sampled.toFixed(3)} s`);
  console.log(`extra CPU per round (all ${args.services} services): ${mp(extraPerRound)} ms → ${pct(extraPerRound)} % of one core at the default ${DEFAULT_INTERVAL_S} s interval`);
  // what the engine does anyway (health probes, supervision) runs during a round too: taken out at the idle rate
  const ownPerRound = median(perRound.map((c, i) => c - (idle / args.windowS) * ((wall[i] ?? 0) / 1000)));
  console.log(`engine idle: ${((100 * idle) / args.windowS).toFixed(1)} % of one core (health probes, supervision of ${args.services} services)`);
  console.log(`CPU around each round: median ${mp(median(perRound))} ms, max ${mp(Math.max(...perRound))} ms; less the idle rate over its wall time: ` +
    `median ${mp(ownPerRound)} ms → ${pct(ownPerRound)} % of one core; wall per round median ${median(wall).toFixed(0)} ms, max ${Math.max(...wall).toFixed(0)} ms`);
  console.log(`series of m-01: ${Object.keys(rows.body.metrics).join(', ')}; metrics.db ${(statSync(join(t.dataDir, 'metrics.db')).size / 1024).toFixed(0)} KiB`);
  console.log(`\nJSON ${JSON.stringify({
    services: args.services,
    rounds: args.rounds,
    extraCpuPerRoundMs: Number(mp(extraPerRound)),
    percentOfOneCoreAt10s: Number(pct(extraPerRound)),
    medianCpuAroundRoundMs: Number(mp(median(perRound))),
    medianOwnCpuPerRoundMs: Number(mp(ownPerRound)),
    engineIdlePercent: Number(((100 * idle) / args.windowS).toFixed(1)),
    medianWallPerRoundMs: Math.round(median(wall)),
  })}`);
}

const cleanup = new Cleanup();
await cleanup.main(() => main(cleanup));
