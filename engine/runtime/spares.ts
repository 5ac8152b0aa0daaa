// Spare clusters: one ready copy of each version's template, made in the
// background, so a create renames a directory instead of copying about a
// thousand files while the user waits. Each spare's superuser already has a
// password of its own (kept beside it, readable by the engine only), which
// the service taking it inherits. A spare is a cache: one without its
// `ready` marker (an engine stopped mid-copy) is removed at the next start.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Binaries } from './binaries';
import { paths, type InstanceRuntime } from './instance';
import type { RunAs } from './process';

/** A new secret for a cluster's superuser: only the engine ever holds it. */
export const newEngineSecret = (): string => randomBytes(32).toString('base64url');

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
        if (isReady(root) || makerAlive(root)) continue;
        try {
          this.runtime.remove(root);
        } catch (err) {
          // a copy left running by a killed engine may still be writing there; try again next start
          console.error(`could not remove the unfinished spare ${root}: ${(err as Error).message}`);
        }
      }
    }
  }

  /**
   * Moves a ready spare's data directory to `toRoot/data`, handed to `owner`;
   * answers its superuser's password, or null when there is no spare.
   */
  async take(version: string, toRoot: string, owner: RunAs | null): Promise<string | null> {
    const versionDir = join(this.dir, version);
    if (!existsSync(versionDir)) return null;
    for (const name of readdirSync(versionDir)) {
      const root = join(versionDir, name);
      if (!isReady(root)) continue;
      const secret = readFileSync(join(root, SECRET_FILE), 'utf8');
      this.runtime.ownedDir(toRoot, owner);
      this.runtime.remove(paths(toRoot).data);
      renameSync(paths(root).data, paths(toRoot).data);
      this.runtime.remove(root);
      await this.runtime.chownTree(paths(toRoot).data, owner);
      return secret;
    }
    return null;
  }

  /** Makes one spare of this version in the background, unless one exists or is being made. */
  refill(b: Binaries, templateRoot: string): void {
    const { version } = b;
    const versionDir = join(this.dir, version);
    if (this.making.has(version)) return;
    if (existsSync(versionDir) && readdirSync(versionDir).some((n) => isReady(join(versionDir, n)))) return;
    const task = (async () => {
      mkdirSync(versionDir, { recursive: true, mode: 0o711 });
      chmodSync(versionDir, 0o711);
      const root = join(versionDir, randomBytes(4).toString('hex'));
      mkdirSync(root, { mode: 0o700 });
      writeFileSync(join(root, 'maker'), String(process.pid));
      try {
        await this.runtime.copyCluster(templateRoot, root);
        const secret = newEngineSecret();
        await this.runtime.setSuperuserPassword(root, b, this.runtime.runAs, secret);
        // written by the engine, for the engine: the spare's own user cannot read it
        writeFileSync(join(root, SECRET_FILE), secret, { mode: 0o600 });
        chmodSync(join(root, SECRET_FILE), 0o600);
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

const SECRET_FILE = 'engine-secret';

/** Finished, with its superuser's password beside it (spares of older engines have none: they are remade). */
const isReady = (root: string): boolean => existsSync(join(root, 'ready')) && existsSync(join(root, SECRET_FILE));

/** Whether the engine process that started making this spare still runs. */
function makerAlive(root: string): boolean {
  try {
    process.kill(Number(readFileSync(join(root, 'maker'), 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}
