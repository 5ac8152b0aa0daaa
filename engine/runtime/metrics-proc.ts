// What Linux says about a group of processes and a directory tree, read from
// /proc and stat: cumulative CPU time, proportional memory, disk bytes read
// and written, bytes on disk. Counters include the children a process has
// reaped (a postmaster reaps every backend), so they only grow while the
// process lives, however many connections come and go between two samples.
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';

/** USER_HZ: the unit of the times in /proc/<pid>/stat, 100 on every Linux architecture Node runs on. */
export const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcUsage {
  /** CPU seconds used: the processes' own, their live children's and those they reaped. */
  cpuSeconds: number;
  /**
   * Resident memory, shared pages once: each process's private anonymous pages, plus the largest resident shared
   * memory (PostgreSQL's shared buffers touched) and file-backed set (binaries, libraries) of any one of them.
   * Close to the sum of PSS, at a tenth of the cost (smaps_rollup walks every page table: ~300 µs a process).
   */
  memoryBytes: number;
  /** Bytes fetched from and sent to the storage layer (/proc/<pid>/io read_bytes, write_bytes). */
  readBytes: number;
  writeBytes: number;
  processes: number;
}

const read = (file: string): string | null => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null; // the process is gone
  }
};

/** utime, stime, cutime, cstime in ticks; the command name may hold spaces and parentheses, so fields count from its last ')'. */
function cpuTicks(pid: number, withReaped: boolean): number | null {
  const stat = read(`/proc/${pid}/stat`);
  if (stat === null) return null;
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // f[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17
  const own = Number(f[11]) + Number(f[12]);
  return withReaped ? own + Number(f[13]) + Number(f[14]) : own;
}

const RSS = { anon: /^RssAnon:\s+(\d+) kB/m, shmem: /^RssShmem:\s+(\d+) kB/m, file: /^RssFile:\s+(\d+) kB/m };

function memory(pid: number): { anon: number; shmem: number; file: number } {
  const status = read(`/proc/${pid}/status`) ?? '';
  const kb = (re: RegExp) => Number(re.exec(status)?.[1] ?? 0) * 1024;
  return { anon: kb(RSS.anon), shmem: kb(RSS.shmem), file: kb(RSS.file) };
}

function io(pid: number): { read: number; write: number } {
  const text = read(`/proc/${pid}/io`) ?? '';
  return { read: Number(/^read_bytes: (\d+)/m.exec(text)?.[1] ?? 0), write: Number(/^write_bytes: (\d+)/m.exec(text)?.[1] ?? 0) };
}

/** The direct children of a process (a postmaster's backends and workers). */
export function childrenOf(pid: number): number[] {
  const text = read(`/proc/${pid}/task/${pid}/children`);
  return text ? text.trim().split(' ').filter(Boolean).map(Number) : [];
}

/**
 * Usage of `roots` and their direct children. A root's reaped children count through its
 * own counters (cutime, and the I/O the kernel adds to a parent when it reaps).
 */
export function procUsage(roots: number[]): ProcUsage {
  const u: ProcUsage = { cpuSeconds: 0, memoryBytes: 0, readBytes: 0, writeBytes: 0, processes: 0 };
  let shmem = 0;
  let file = 0;
  for (const root of roots) {
    for (const pid of [root, ...childrenOf(root)]) {
      const ticks = cpuTicks(pid, pid === root);
      if (ticks === null) continue;
      u.cpuSeconds += ticks / CLOCK_TICKS_PER_SECOND;
      const m = memory(pid);
      u.memoryBytes += m.anon;
      shmem = Math.max(shmem, m.shmem);
      file = Math.max(file, m.file);
      const b = io(pid);
      u.readBytes += b.read;
      u.writeBytes += b.write;
      u.processes++;
    }
  }
  u.memoryBytes += shmem + file;
  return u;
}

/** The machine's load average over five minutes. */
export function loadAverage(): number {
  return Number((read('/proc/loadavg') ?? '0 0').split(' ')[1]);
}

interface FileSize {
  /** As allocated (st_blocks). */
  bytes: number;
  /** Unchanged for a minute when last stat'ed: written once and left alone, as archived WAL and backups are. */
  settled: boolean;
}

interface DirEntry {
  mtimeMs: number;
  files: Map<string, FileSize>;
  dirs: string[];
}

/** A file untouched this long is taken as finished. */
const SETTLED_MS = 60_000;

/**
 * Bytes a directory tree holds on disk, kept between calls: a directory whose mtime did not
 * change is not listed again, and in a changed one only the files that are new or were still
 * young when last stat'ed are stat'ed again (a WAL archive holds thousands of finished files).
 * A file growing in a directory that does not change is counted at its last listing.
 */
export class DirSizer {
  private readonly seen = new Map<string, DirEntry>();

  size(dir: string, depth = 8): number {
    let st;
    try {
      st = statSync(dir);
    } catch {
      this.forget(dir);
      return 0;
    }
    let entry = this.seen.get(dir);
    if (!entry || entry.mtimeMs !== st.mtimeMs) entry = this.list(dir, st.mtimeMs, entry);
    let total = 0;
    for (const f of entry.files.values()) total += f.bytes;
    if (depth > 0) for (const d of entry.dirs) total += this.size(join(dir, d), depth - 1);
    return total;
  }

  private list(dir: string, mtimeMs: number, old: DirEntry | undefined): DirEntry {
    const entry: DirEntry = { mtimeMs, files: new Map(), dirs: [] };
    let names: Dirent[] = [];
    try {
      names = readdirSync(dir, { withFileTypes: true });
    } catch {
      // removed meanwhile: counted as empty
    }
    for (const d of names) {
      if (d.isDirectory()) entry.dirs.push(d.name);
      else if (d.isFile()) {
        const known = old?.files.get(d.name);
        if (known?.settled) entry.files.set(d.name, known);
        else {
          try {
            const f = statSync(join(dir, d.name));
            entry.files.set(d.name, { bytes: f.blocks * 512, settled: Date.now() - f.mtimeMs > SETTLED_MS });
          } catch {
            // removed meanwhile
          }
        }
      }
    }
    for (const gone of old?.dirs ?? []) if (!entry.dirs.includes(gone)) this.forget(join(dir, gone));
    this.seen.set(dir, entry);
    return entry;
  }

  private forget(dir: string): void {
    for (const key of this.seen.keys()) if (key === dir || key.startsWith(`${dir}/`)) this.seen.delete(key);
  }
}
