// Idle memory: what 20 idle services cost.
//
//   npx tsx bench/idle-memory.ts [--services 20] [--settle 10]
//
// Starts an in-process engine on a temporary data directory, measures the
// engine process (RSS, V8 heap after a forced GC), creates N hobbyist-2
// services on the default version one after the other, lets them settle,
// and measures again: the engine process, and every postgres process whose
// working directory lies under the data directory (plus their descendants),
// summing VmRSS (/proc/<pid>/status) and PSS (/proc/<pid>/smaps_rollup).
// RSS counts shared pages (binary text, shared memory) once per process;
// PSS splits them among the sharers, so its sum is the real footprint.
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { benchEngine, Cleanup, mib, now, processesUnder, sleep, useOwnPortBase } from './common';

function parseArgs(argv: string[]): { services: number; settleS: number } {
  let services = 20;
  let settleS = 10;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] ?? '').split('=', 2);
    const v = inline ?? argv[++i];
    if (v === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--services') services = Number(v);
    else if (flag === '--settle') settleS = Number(v);
    else throw new Error(`unknown argument ${flag}; usage: idle-memory.ts [--services 20] [--settle 10]`);
  }
  if (!Number.isInteger(services) || services < 1 || services > 200) throw new Error('--services: an integer from 1 to 200');
  if (!Number.isFinite(settleS) || settleS < 0 || settleS > 600) throw new Error('--settle: seconds from 0 to 600');
  return { services, settleS };
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface EngineMem {
  rss: number;
  pss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

/** Fields of a /proc file in kB lines ("Name:   123 kB"), in bytes. */
function kbFields(file: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^(\w+):\s+(\d+) kB$/.exec(line);
    if (m?.[1] && m[2]) out[m[1]] = Number(m[2]) * 1024;
  }
  return out;
}

function engineMem(): EngineMem {
  gc();
  gc();
  const m = process.memoryUsage();
  const rollup = kbFields('/proc/self/smaps_rollup');
  return { rss: m.rss, pss: rollup.Pss ?? Number.NaN, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external };
}

interface ProcMem {
  pid: number;
  kind: string;
  rss: number;
  pss: number;
  pssAnon: number;
  pssFile: number;
  pssShmem: number;
}

function kindOf(pid: number): string {
  const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').replace(/\0/g, ' ');
  // auxiliary processes title themselves "postgres: checkpointer", "postgres: io worker 2", ...
  if (cmd.startsWith('postgres: ')) return cmd.slice('postgres: '.length).trim().replace(/\s+\d+$/, '');
  return cmd.includes('/postgres') ? 'postmaster' : cmd.split(' ')[0] ?? '?';
}

function postgresMem(dataDir: string): ProcMem[] {
  const out: ProcMem[] = [];
  for (const pid of processesUnder(dataDir)) {
    try {
      const status = kbFields(`/proc/${pid}/status`);
      const roll = kbFields(`/proc/${pid}/smaps_rollup`);
      out.push({
        pid,
        kind: kindOf(pid),
        rss: status.VmRSS ?? 0,
        pss: roll.Pss ?? 0,
        pssAnon: roll.Pss_Anon ?? 0,
        pssFile: roll.Pss_File ?? 0,
        pssShmem: roll.Pss_Shmem ?? 0,
      });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

function meminfo(): { available: number; shmem: number } {
  const m = kbFields('/proc/meminfo');
  return { available: m.MemAvailable ?? Number.NaN, shmem: m.Shmem ?? Number.NaN };
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

function printEngine(label: string, m: EngineMem): void {
  console.log(`${label.padEnd(7)} rss ${mib(m.rss).padStart(7)} MiB  pss ${mib(m.pss).padStart(7)} MiB  heapUsed ${mib(m.heapUsed).padStart(6)} MiB  heapTotal ${mib(m.heapTotal).padStart(6)} MiB  external ${mib(m.external).padStart(6)} MiB`);
}

async function main(cleanup: Cleanup): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const portBase = useOwnPortBase();
  const t = await benchEngine(cleanup);
  const versions = [...t.engine.binaries.values()].sort((a, b) => Number(a.major) - Number(b.major));
  const def = versions[versions.length - 1];
  console.log(`pgdeck idle-memory: ${cpus().length} cpus, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, ` +
    `${args.services} x hobbyist-2 on the default version (${def?.major}, ${def?.version}), settle ${args.settleS} s, data ${t.dataDir}, service ports from ${portBase}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  await sleep(1000);
  const before = engineMem();
  const sysBefore = meminfo();
  const pgBefore = postgresMem(t.dataDir);

  const t0 = now();
  for (let i = 1; i <= args.services; i++) {
    const name = `idle-${String(i).padStart(2, '0')}`;
    const c0 = now();
    const svc = await t.createService(name);
    const took = now() - c0;
    if (svc.state !== 'running') throw new Error(`${name} is ${svc.state}`);
    if (i === 1 || i === args.services || i % 5 === 0) console.log(`created ${name} (pg ${svc.version}, port ${svc['uri-params']?.port}) in ${Math.round(took)} ms`);
  }
  const createS = (now() - t0) / 1000;
  await sleep(args.settleS * 1000);

  const after = engineMem();
  const sysAfter = meminfo();
  const procs = postgresMem(t.dataDir);
  const postmasters = procs.filter((p) => p.kind === 'postmaster').length;

  console.log(`\n${args.services} services created in ${createS.toFixed(1)} s (sequential, one create at a time); measured ${args.settleS} s after the last.`);
  console.log('\nEngine process (after a forced GC):');
  printEngine('before', before);
  printEngine('after', after);
  console.log(`delta   rss ${mib(after.rss - before.rss)} MiB, heapUsed ${mib(after.heapUsed - before.heapUsed)} MiB`);

  console.log(`\nPostgreSQL processes under the data directory: ${procs.length} (${postmasters} postmasters; before: ${pgBefore.length})`);
  const kinds = [...new Set(procs.map((p) => p.kind))].sort();
  console.log(`${'process'.padEnd(28)} ${'count'.padStart(5)} ${'RSS MiB'.padStart(9)} ${'PSS MiB'.padStart(9)} ${'anon'.padStart(7)} ${'file'.padStart(7)} ${'shmem'.padStart(7)}`);
  for (const k of kinds) {
    const ps = procs.filter((p) => p.kind === k);
    console.log(`${k.padEnd(28)} ${String(ps.length).padStart(5)} ${mib(sum(ps.map((p) => p.rss))).padStart(9)} ${mib(sum(ps.map((p) => p.pss))).padStart(9)} ` +
      `${mib(sum(ps.map((p) => p.pssAnon))).padStart(7)} ${mib(sum(ps.map((p) => p.pssFile))).padStart(7)} ${mib(sum(ps.map((p) => p.pssShmem))).padStart(7)}`);
  }
  const rss = sum(procs.map((p) => p.rss));
  const pss = sum(procs.map((p) => p.pss));
  console.log(`${'total'.padEnd(28)} ${String(procs.length).padStart(5)} ${mib(rss).padStart(9)} ${mib(pss).padStart(9)} ` +
    `${mib(sum(procs.map((p) => p.pssAnon))).padStart(7)} ${mib(sum(procs.map((p) => p.pssFile))).padStart(7)} ${mib(sum(procs.map((p) => p.pssShmem))).padStart(7)}`);
  console.log(`per service: RSS ${mib(rss / args.services)} MiB, PSS ${mib(pss / args.services)} MiB, ${(procs.length / args.services).toFixed(1)} processes`);
  console.log(`\nSystem (/proc/meminfo; includes anything else running on the machine): MemAvailable ${mib(sysBefore.available)} → ${mib(sysAfter.available)} MiB ` +
    `(−${mib(sysBefore.available - sysAfter.available)}), Shmem ${mib(sysBefore.shmem)} → ${mib(sysAfter.shmem)} MiB`);
  console.log(`\nJSON ${JSON.stringify({
    services: args.services,
    version: def?.version,
    engineRssBeforeMiB: Number(mib(before.rss)),
    engineRssAfterMiB: Number(mib(after.rss)),
    engineHeapBeforeMiB: Number(mib(before.heapUsed)),
    engineHeapAfterMiB: Number(mib(after.heapUsed)),
    postgresProcesses: procs.length,
    postgresRssMiB: Number(mib(rss)),
    postgresPssMiB: Number(mib(pss)),
    perServicePssMiB: Number(mib(pss / args.services)),
  })}`);
}

const cleanup = new Cleanup();
await cleanup.main(() => main(cleanup));
