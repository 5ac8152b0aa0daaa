// Where the engine's create time goes: the steps of materialize()
// (engine/domain/services.ts) replayed one by one with a timer each, on the
// engine's own runtime and a warm template, with the hobbyist-2 settings.
//
//   npx tsx bench/create-breakdown.ts [--rounds 5] [--majors 16,17]
//
// Diagnostic only: it mirrors the engine's steps, it does not go through the API.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findPlan, planSettings } from '../engine/domain/plans';
import type { Binaries } from '../engine/runtime/binaries';
import { type InstanceSpec } from '../engine/runtime/instance';
import { run } from '../engine/runtime/process';
import { newEngineSecret } from '../engine/runtime/spares';
import { quoteIdent, quoteLiteral, scramVerifier } from '../engine/runtime/sql-text';
import { ensureTemplate, TEMPLATE_ADMIN } from '../engine/runtime/templates';
import { issueServerCert } from '../engine/runtime/tls';
import { removeDataDir, startEngine } from '../engine/test/harness';
import { Cleanup, useOwnPortBase, freeLoopbackPort, killLeftovers, median, ms, now, pollTls } from './common';

function parseArgs(argv: string[]): { rounds: number; majors: string[] | null } {
  let rounds = 5;
  let majors: string[] | null = null;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] ?? '').split('=', 2);
    const v = inline ?? argv[++i];
    if (v === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--rounds') rounds = Number(v);
    else if (flag === '--majors') majors = v.split(',');
    else throw new Error(`unknown argument ${flag}`);
  }
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100) throw new Error('--rounds: an integer from 1 to 100');
  return { rounds, majors };
}

// 'superuser' (single-user mode) is paid when a spare is made, in the background, unless no spare is ready
const steps = ['cp', 'sync', 'superuser', 'cert', 'config', 'pg_ctl', 'ready', 'password', 'tls'] as const;
type Step = (typeof steps)[number];

async function main(cleanup: Cleanup): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  useOwnPortBase();
  const t = await startEngine({ supervise: false });
  cleanup.add('engine', async () => {
    await t.stop().catch(() => undefined);
    await killLeftovers(t.dataDir);
    removeDataDir(t.dataDir);
  });
  const { runtime, runAs, ca } = t.engine;
  const plan = findPlan('hobbyist-2');
  if (!plan) throw new Error('no plan hobbyist-2');
  const majors = [...t.engine.binaries.values()].filter((b) => !args.majors || args.majors.includes(b.major));
  const table: { b: Binaries; samples: Record<Step, number>[] }[] = [];
  for (const b of majors) {
    const template = await ensureTemplate(runtime, join(t.dataDir, 'templates'), b);
    const samples: Record<Step, number>[] = [];
    for (let round = 0; round <= args.rounds; round++) {
      const root = join(t.dataDir, 'services', `diag-${b.major}-${round}`);
      const spec: InstanceSpec = {
        root, port: await freeLoopbackPort(), listen: '127.0.0.1', binaries: b, settings: planSettings(plan), ipFilter: ['0.0.0.0/0'],
        runAs, password: newEngineSecret(),
      };
      const s = {} as Record<Step, number>;
      const lap = (() => {
        let last = now();
        return (step: Step): void => {
          const at = now();
          s[step] = at - last;
          last = at;
        };
      })();
      try {
        runtime.ownedDir(root);
        await run('/bin/cp', ['-a', '--reflink=auto', join(template, 'data'), join(root, 'data')], { runAs });
        lap('cp');
        await run('/bin/sync', ['-f', join(root, 'data')], { runAs });
        lap('sync');
        await runtime.setSuperuserPassword(root, b, runAs, spec.password);
        lap('superuser');
        const tls = await issueServerCert(ca, ['127.0.0.1', 'localhost', '::1']);
        lap('cert');
        runtime.writeConfig(spec, tls);
        lap('config');
        await run(join(b.bin, 'pg_ctl'), ['start', '-D', join(root, 'data'), '-l', join(root, 'postgres.log'), '-W', '-s'], { runAs, cwd: root });
        lap('pg_ctl');
        await runtime.waitReady(spec, 60_000);
        lap('ready');
        const password = 'bench-password-0123456789';
        await runtime.query(spec, `ALTER ROLE ${quoteIdent(TEMPLATE_ADMIN)} LOGIN REPLICATION PASSWORD ${quoteLiteral(scramVerifier(password))}`);
        lap('password');
        await pollTls({ host: '127.0.0.1', port: spec.port, user: TEMPLATE_ADMIN, password, database: 'defaultdb', ca: ca.cert }, { timeoutMs: 30_000 });
        lap('tls');
      } finally {
        if (existsSync(join(root, 'data'))) await runtime.stop(spec, 'immediate').catch(() => undefined);
        await killLeftovers(root);
        runtime.remove(root);
      }
      // round 0 warms the page cache and is not counted
      if (round > 0) samples.push(s);
      console.log(`pg${b.major} ${round ? `round ${round}` : 'warm-up'}: ${steps.map((k) => `${k} ${ms(s[k])}`).join(', ')}`);
    }
    table.push({ b, samples });
  }
  console.log('\nMedians (ms):');
  console.log(['major', ...steps, 'sum'].map((h) => h.padStart(8)).join(' '));
  for (const { b, samples } of table) {
    const meds = steps.map((k) => median(samples.map((x) => x[k])));
    console.log([b.major, ...meds.map(ms), ms(median(samples.map((x) => steps.reduce((acc, k) => acc + x[k], 0))))].map((v) => v.padStart(8)).join(' '));
  }
}

const cleanup = new Cleanup();
await cleanup.main(() => main(cleanup));
