// The host's port registry: every engine on the host claims the TCP ports it
// hands out, so two engines never give out the same port, even while nothing
// listens on it (a service whose postmaster is down keeps its port).
// A claim is a file named by the port, created exclusively, holding the
// claiming engine's data directory and the service it is for.
import { chmodSync, closeSync, fchmodSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface PortClaim {
  /** The claiming engine's data directory. */
  owner: string;
  service: string;
}

/** A claim file still empty this long after its creation belongs to a claimer that died writing it. */
const UNWRITTEN_STALE_MS = 10_000;

/** `/run/pgdeck/ports` as root, else in the user's runtime directory (or a private one under /tmp); `PGDECK_PORT_REGISTRY` overrides. */
export function defaultRegistryDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PGDECK_PORT_REGISTRY) return resolve(env.PGDECK_PORT_REGISTRY);
  const uid = process.getuid?.() ?? 0;
  if (uid === 0) return '/run/pgdeck/ports';
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'pgdeck', 'ports');
  return join(tmpdir(), `pgdeck-${uid}`, 'ports');
}

export class PortRegistry {
  readonly owner: string;

  constructor(
    readonly dir: string,
    owner: string,
  ) {
    this.owner = resolve(owner);
  }

  /** Claims a port nobody holds (or a stale claim); false when a live claim, this owner's included, stands. */
  claim(port: number, service: string): boolean {
    this.ensureDir();
    if (this.create(port, service)) return true;
    const seen = this.read(port);
    return seen !== null && this.isStale(port, seen) && this.takeOver(port, seen.raw, service);
  }

  /**
   * Makes sure this owner holds `port` for `service` (at engine start: after a
   * reboot the registry is empty). Answers the live claim of another owner
   * that holds it instead, or null when it is this owner's.
   */
  reclaim(port: number, service: string): PortClaim | null {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (this.claim(port, service)) return null;
      const held = this.read(port);
      if (held?.claim?.owner === this.owner) return null;
      if (held?.claim) return held.claim;
    }
    return { owner: 'unknown (a claim being written)', service: '' };
  }

  /** Gives a port back; only this owner's claims are removed. */
  release(port: number): void {
    if (this.read(port)?.claim?.owner !== this.owner) return;
    try {
      unlinkSync(this.path(port));
    } catch {
      // already gone
    }
  }

  /** Who claims `port`, when a live claim stands. */
  holder(port: number): PortClaim | null {
    const seen = this.read(port);
    return seen?.claim && !this.isStale(port, seen) ? seen.claim : null;
  }

  /** The ports this owner claims. */
  owned(): number[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => /^\d+$/.test(f))
      .map(Number)
      .filter((port) => this.read(port)?.claim?.owner === this.owner);
  }

  /** Removes the stale claims of any owner (engines whose data directory is gone). */
  sweep(): void {
    if (!existsSync(this.dir)) return;
    for (const f of readdirSync(this.dir)) {
      if (!/^\d+$/.test(f)) continue;
      const seen = this.read(Number(f));
      if (seen && this.isStale(Number(f), seen)) this.takeOver(Number(f), seen.raw, null);
    }
  }

  private path(port: number): string {
    return join(this.dir, String(port));
  }

  private ensureDir(): void {
    const root = process.getuid?.() === 0;
    mkdirSync(this.dir, { recursive: true, mode: root ? 0o755 : 0o700 });
    // never a directory someone else prepared (a shared /tmp): its owner could forge or remove claims
    const st = lstatSync(this.dir);
    if (!st.isDirectory() || st.uid !== process.getuid?.()) {
      throw new Error(`the port registry ${this.dir} is not a directory owned by this user: remove it or set PGDECK_PORT_REGISTRY`);
    }
    if ((st.mode & 0o777) !== (root ? 0o755 : 0o700)) chmodSync(this.dir, root ? 0o755 : 0o700);
  }

  /** Creates the claim file exclusively (O_EXCL): false when it exists. */
  private create(port: number, service: string): boolean {
    let fd: number;
    try {
      fd = openSync(this.path(port), 'wx', 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
    try {
      fchmodSync(fd, 0o644);
      writeSync(fd, `${JSON.stringify({ owner: this.owner, service } satisfies PortClaim)}\n`);
    } finally {
      closeSync(fd);
    }
    return true;
  }

  private read(port: number): { raw: string; claim: PortClaim | null } | null {
    let raw: string;
    try {
      raw = readFileSync(this.path(port), 'utf8');
    } catch {
      return null;
    }
    try {
      const c = JSON.parse(raw) as Partial<PortClaim>;
      return { raw, claim: typeof c.owner === 'string' ? { owner: c.owner, service: String(c.service ?? '') } : null };
    } catch {
      return { raw, claim: null };
    }
  }

  /** Stale: its owner's data directory is gone, or it was never written and its claimer is long gone. */
  private isStale(port: number, seen: { claim: PortClaim | null }): boolean {
    if (seen.claim) return !existsSync(seen.claim.owner);
    try {
      return Date.now() - statSync(this.path(port)).mtimeMs > UNWRITTEN_STALE_MS;
    } catch {
      return false;
    }
  }

  /**
   * Replaces a stale claim (or removes it, `service` null) while holding the
   * port's takeover lock, so two engines taking over the same stale claim
   * cannot both win. A lock left by a dead engine is broken after a while.
   */
  private takeOver(port: number, staleRaw: string, service: string | null): boolean {
    const lock = `${this.path(port)}.takeover`;
    let fd: number;
    try {
      fd = openSync(lock, 'wx', 0o644);
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > UNWRITTEN_STALE_MS) unlinkSync(lock);
      } catch {
        // taken by someone else meanwhile
      }
      return false;
    }
    closeSync(fd);
    try {
      if (this.read(port)?.raw !== staleRaw) return false;
      unlinkSync(this.path(port));
      return service === null || this.create(port, service);
    } finally {
      unlinkSync(lock);
    }
  }
}
