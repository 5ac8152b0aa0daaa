// What a test file starts (data directories, in-process engines, engine
// processes) is registered here, so `cleanup` (in afterAll) removes it all,
// even when a test fails.
import { join } from 'node:path';
import { run } from '../runtime/process';
import { makeDataDir, removeDataDir, startEngine, type TestEngine } from './harness';
import { killProcessesUnder, sleep, spawnEngine, type EngineProcess } from './engine-process';

export class Fixtures {
  private dataDirs = new Set<string>();
  private engines = new Set<TestEngine>();
  private children = new Set<EngineProcess>();

  newDataDir = (opts: { templates?: boolean } = {}): string => {
    const dir = makeDataDir(opts);
    this.dataDirs.add(dir);
    return dir;
  };

  /** An in-process engine on `dataDir` (a new one when omitted), supervising. */
  engineOn = async (dataDir?: string): Promise<TestEngine> => {
    const t = await startEngine(dataDir ? { dataDir } : {});
    this.dataDirs.add(t.dataDir);
    this.engines.add(t);
    return t;
  };

  /** The engine as its own OS process (`engine/main.ts`), so a test can kill it like a crash would. */
  engineProcess = async (dataDir: string, pgPortBase: number, env?: Record<string, string>): Promise<EngineProcess> => {
    const e = await spawnEngine(dataDir, { pgPortBase, env });
    this.children.add(e);
    return e;
  };

  /** Closes an in-process engine the way a crash would leave it: instances keep running. */
  abandon = async (t: TestEngine): Promise<void> => {
    this.engines.delete(t);
    await t.app.close();
    await t.supervisor.stop();
    t.scheduler.stop();
    t.engine.db.close();
  };

  /** Stops an in-process engine and its instances (pg_ctl stop). */
  stopEngine = async (t: TestEngine): Promise<void> => {
    this.engines.delete(t);
    await t.stop();
  };

  /** Signals an engine process and waits until it is gone. */
  killEngine = async (e: EngineProcess, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> => {
    e.child.kill(signal);
    const result = await e.exited;
    this.children.delete(e);
    return result;
  };

  /** `npm run engine -- stop --data DIR`: stops the engine running there, then every database; answers what it printed. */
  stopDatabases = (dataDir: string): Promise<string> =>
    run(process.execPath, ['--import', 'tsx', 'engine/main.ts', 'stop', '--data', dataDir], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { PATH: process.env.PATH ?? '' },
      timeoutMs: 120_000,
    });

  /** An engine process that ended on its own (a crash point): no longer ours to stop. */
  forget = (e: EngineProcess): void => {
    this.children.delete(e);
  };

  cleanup = async (): Promise<void> => {
    for (const e of this.children) {
      if (e.running()) e.child.kill('SIGKILL');
      await Promise.race([e.exited, sleep(10_000)]);
    }
    for (const t of this.engines) {
      await t.stop().catch((err: Error) => console.error(`stopping the test engine: ${err.message}`));
    }
    for (const dir of this.dataDirs) {
      await killProcessesUnder(dir);
      removeDataDir(dir);
    }
  };
}
