// One OS user per service when the engine runs as root: a service's postgres
// and PgBouncer run as it, and its files belong to it, so nothing a service
// runs (COPY ... PROGRAM, a server-side file function) can read another
// service's files or enter its socket directory. Made with useradd, removed
// with userdel; each is marked by its comment and home (the service's
// directory), so a user whose service directory is gone is found and removed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { CommandError, lookupUser, run, type RunAs } from './process';

/** The comment (GECOS field) every service user carries. */
export const SERVICE_USER_COMMENT = 'pgdeck service';

// Far from the distribution's system users (100-999) and from people (1000+ at the start of the range).
const ID_RANGE = ['-K', 'SYS_UID_MIN=20000', '-K', 'SYS_UID_MAX=59999', '-K', 'SYS_GID_MIN=20000', '-K', 'SYS_GID_MAX=59999'];

interface PasswdEntry extends RunAs {
  comment: string;
  home: string;
}

function passwd(): PasswdEntry[] {
  return readFileSync('/etc/passwd', 'utf8').split('\n').flatMap((line) => {
    const [name, , uid, gid, comment, home] = line.split(':');
    return name && uid && gid ? [{ name, uid: Number(uid), gid: Number(gid), comment: comment ?? '', home: home ?? '' }] : [];
  });
}

/** useradd and userdel lock /etc/passwd: one at a time here, and a retry when another program holds the lock. */
let queue: Promise<unknown> = Promise.resolve();
function serialized<T>(work: () => Promise<T>): Promise<T> {
  const next = queue.then(work, work);
  queue = next.catch(() => undefined);
  return next;
}

async function withLockRetry(file: string, args: string[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await run(file, args, { timeoutMs: 30_000 });
      return;
    } catch (err) {
      // another program holds /etc/passwd's lock (another engine, a test run): useradd exits 10, userdel 1
      const locked = err instanceof CommandError && (err.code === 10 || /cannot lock|lock \S+ already used/.test(err.message));
      if (!locked || attempt >= 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export class ServiceUsers {
  private cache = new Map<string, RunAs>();

  /** `enabled` when the engine runs as root; otherwise every service runs as the engine's own user. */
  constructor(readonly enabled: boolean) {}

  /** The name a service's user gets: from its id, short enough for every tool (32 characters at most). */
  nameFor(serviceId: string): string {
    return `pgdeck-${serviceId.replaceAll('-', '').slice(0, 12)}`;
  }

  lookup(name: string): RunAs | null {
    const cached = this.cache.get(name);
    if (cached) return cached;
    const user = lookupUser(name);
    if (user) this.cache.set(name, user);
    return user;
  }

  /** Creates the user (no login shell, no home made, own group) unless it exists; its home names the service directory. */
  ensure(name: string, serviceRoot: string): Promise<RunAs> {
    return serialized(async () => {
      const existing = passwd().find((u) => u.name === name);
      if (existing) {
        if (existing.comment !== SERVICE_USER_COMMENT) throw new Error(`the OS user ${name} exists and is not a pgdeck service user`);
        return this.lookup(name) as RunAs;
      }
      await withLockRetry('/usr/sbin/useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', serviceRoot,
        '--shell', '/usr/sbin/nologin', '--comment', SERVICE_USER_COMMENT, ...ID_RANGE, name]);
      const user = this.lookup(name);
      if (!user) throw new Error(`useradd ${name} succeeded, yet the user is not in /etc/passwd`);
      return user;
    });
  }

  /** Removes the user and its group; nothing may run as it any more. */
  remove(name: string): Promise<void> {
    return serialized(async () => {
      this.cache.delete(name);
      const existing = passwd().find((u) => u.name === name);
      if (!existing || existing.comment !== SERVICE_USER_COMMENT) return;
      await withLockRetry('/usr/sbin/userdel', [name]);
    });
  }

  /** Service users whose service directory no longer exists (an engine's data removed by hand, a test's temporary data). */
  async removeOrphans(): Promise<string[]> {
    if (!this.enabled) return [];
    const orphans = passwd().filter((u) => u.comment === SERVICE_USER_COMMENT && u.name.startsWith('pgdeck-') && !existsSync(u.home));
    const removed: string[] = [];
    for (const u of orphans) {
      if (runsProcesses(u.uid)) continue;
      await this.remove(u.name).then(() => removed.push(u.name), (err: Error) => console.error(`could not remove the OS user ${u.name}: ${err.message}`));
    }
    return removed;
  }
}

/** Whether any process runs as this uid (userdel refuses then, and it would be no orphan). */
function runsProcesses(uid: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1]) === uid) return true;
    } catch {
      // gone meanwhile
    }
  }
  return false;
}
