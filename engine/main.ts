// npm run engine -- [--listen HOST:PORT] [--data DIR] [--zone NAME]   (or: keys ..., stop [--data DIR])
import { keysCommand } from './cli/keys';
import { stopCommand } from './cli/stop';
import { loadConfig } from './config';
import { ensureBootstrapKey, openEngine } from './domain/engine';
import { jobKinds } from './domain/jobs';
import { Scheduler } from './domain/scheduler';
import { Supervisor } from './domain/supervisor';
import { build } from './http/app';
import { lockDataDir } from './runtime/engine-lock';
import { preloadUpgradeTools } from './runtime/upgrade-tools';
import { settingsDocument } from './settings/catalog';

async function main(args: string[]): Promise<number> {
  if (args[0] === 'keys') return keysCommand(args.slice(1));
  if (args[0] === 'stop') return stopCommand(args.slice(1));
  const config = loadConfig(args);
  const unlock = lockDataDir(config.dataDir);
  const engine = await openEngine(config);
  const credentials = ensureBootstrapKey(engine);
  const supervisor = new Supervisor(engine);
  const app = build(engine);
  // The API answers first; services come up behind it (shown rebuilding, changes refused as busy until each is up).
  const recovered = supervisor.recover();
  supervisor.start();
  const scheduler = new Scheduler(engine, jobKinds);
  scheduler.start();
  await app.listen({ host: config.listenHost, port: config.listenPort });
  console.log(`pgdeck engine: API at ${config.publicUrl} (zone ${config.zone}), data in ${config.dataDir}`);
  console.log(`PostgreSQL ${[...engine.binaries.values()].map((b) => b.version).join(', ')} available`);
  if (credentials) console.log(`admin API key and secret: ${credentials}`);
  // which upgrade tools run is asked of ~40 programs once, in the background, not during the first upgrade check
  void preloadUpgradeTools().catch((err: Error) => console.error(`asking the upgrade tools their versions failed: ${err.message}`));
  const recovery = recovered.then(
    () => console.log('every service is up'),
    (err: Error) => console.error(`bringing services up failed: ${err.stack ?? err.message}`),
  );
  engine.inflight.add(recovery);
  void recovery.finally(() => engine.inflight.delete(recovery));
  // OS users of services whose directories are gone (data removed by hand)
  void engine.osUsers.removeOrphans().then((removed) => {
    if (removed.length) console.log(`removed ${removed.length} OS user(s) of services that no longer exist: ${removed.join(', ')}`);
  });
  // The settings document needs every major's template: built now, in the background, not on the first request.
  const warm = settingsDocument(engine.settings).then(
    () => undefined,
    (err: Error) => console.error(`settings document: ${err.message}`),
  );
  engine.inflight.add(warm);
  void warm.finally(() => engine.inflight.delete(warm));

  // The data plane outlives the control plane: a stopped engine leaves every database serving.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping the engine; the databases keep running (npm stop, or npm run engine -- stop, stops them)`);
    const rounds = supervisor.stop();
    scheduler.stop();
    await app.close();
    // what runs finishes where it can; a cut operation is finished at the next start
    await Promise.race([Promise.allSettled([rounds, ...engine.inflight]), new Promise((r) => setTimeout(r, 10_000))]);
    engine.db.close();
    unlock();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: Error) => {
    console.error(`pgdeck engine: ${err.message}`);
    process.exit(1);
  },
);
