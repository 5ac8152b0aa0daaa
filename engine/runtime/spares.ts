// Spare clusters: one ready copy of each version's template, made in the
// background, so a create renames a directory instead of copying about a
// thousand files while the user waits. A spare is a cache: one without its
// `ready` marker (an engine stopped mid-copy) is removed at the next start.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { paths, type InstanceRuntime } from './instance';

export class SparePool {
  private making = new Map<string, Promise<void>>();

  constructor(
    private readonly runtime: InstanceRuntime,
    private readonly dir: string,
    /** Background work the engine awaits before it stops. */
    private readonly inflight: Set<Promise<void>>,
  ) {}

  /** Removes spares that were never finished and that no living engine is still making. */
  removeUnfinished(): void {
    if (!existsSync(this.dir)) return;
    for (const version of readdirSync(this.dir)) {
      for (const name of readdirSync(join(this.dir, version))) {
        const root = join(this.dir, version, name);
        if (existsSync(join(root, 'ready')) || makerAlive(root)) continue;
        try {
          this.runtime.remove(root);
        } catch (err) {
          // a copy left running by a killed engine may still be writing there; try again next start
          console.error(`could not remove the unfinished spare ${root}: ${(err as Error).message}`);
        }
      }
    }
  }

  /** Moves a ready spare's data directory to `toRoot/data`; false when there is none. */
  take(version: string, toRoot: string): boolean {
    const versionDir = join(this.dir, version);
    if (!existsSync(versionDir)) return false;
    for (const name of readdirSync(versionDir)) {
      const root = join(versionDir, name);
      if (!existsSync(join(root, 'ready'))) continue;
      this.runtime.ownedDir(toRoot);
      this.runtime.remove(paths(toRoot).data);
      renameSync(paths(root).data, paths(toRoot).data);
      this.runtime.remove(root);
      return true;
    }
    return false;
  }

  /** Makes one spare of this version in the background, unless one exists or is being made. */
  refill(version: string, templateRoot: string): void {
    const versionDir = join(this.dir, version);
    if (this.making.has(version)) return;
    if (existsSync(versionDir) && readdirSync(versionDir).some((n) => existsSync(join(versionDir, n, 'ready')))) return;
    const task = (async () => {
      mkdirSync(versionDir, { recursive: true, mode: 0o711 });
      const root = join(versionDir, randomBytes(4).toString('hex'));
      mkdirSync(root, { mode: 0o700 });
      writeFileSync(join(root, 'maker'), String(process.pid));
      try {
        await this.runtime.copyCluster(templateRoot, root);
        writeFileSync(join(root, 'ready'), new Date().toISOString());
      } catch (err) {
        this.runtime.remove(root);
        console.error(`could not prepare a spare PostgreSQL ${version} cluster: ${(err as Error).message}`);
      }
    })().finally(() => {
      this.making.delete(version);
      this.inflight.delete(task);
    });
    this.making.set(version, task);
    this.inflight.add(task);
  }
}

/** Whether the engine process that started making this spare still runs. */
function makerAlive(root: string): boolean {
  try {
    process.kill(Number(readFileSync(join(root, 'maker'), 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}
