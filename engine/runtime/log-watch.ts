// Reads what PostgreSQL appended to its log since the last look, to notice
// events the postmaster handles on its own: a backend killed by a signal makes
// it reset every session and recover, without the postmaster itself stopping.
import { closeSync, openSync, readSync, statSync } from 'node:fs';

export interface BackendCrash {
  pid: number;
  signal: number;
}

// "server process" up to 17, "client backend" (or the process type) from 18
const CRASH = /\(PID (\d+)\) was terminated by signal (\d+)/;
const MAX_READ = 256 * 1024;

interface Position {
  /** inode and birth time: a freed inode number is soon given to the next new file */
  id: string;
  offset: number;
}

export class LogWatch {
  private positions = new Map<string, Position>();

  /**
   * Backend crashes logged since the last call (at most 256 KiB are read per call).
   * The first call on a log only notes where it ends: what happened before is not news. `key` names the log
   * whatever file holds it now: when PostgreSQL's collector moves to a new file, that one is read from its start.
   */
  crashes(file: string, key = file): BackendCrash[] {
    const { id, size } = statOf(file);
    const known = this.positions.get(key);
    // a log replaced (another inode) or cut shorter is read from its start
    let from = known ? known.offset : size;
    if (known && (known.id !== id || size < known.offset)) from = 0;
    if (size === from) {
      this.positions.set(key, { id, offset: size });
      return [];
    }
    const length = Math.min(size - from, MAX_READ);
    const buf = Buffer.alloc(length);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, buf, 0, length, from);
    } finally {
      closeSync(fd);
    }
    const text = buf.toString('utf8');
    // keep a partial last line for the next call
    const end = text.lastIndexOf('\n') + 1;
    this.positions.set(key, { id, offset: from + Buffer.byteLength(text.slice(0, end)) });
    const found: BackendCrash[] = [];
    for (const line of text.slice(0, end).split('\n')) {
      const m = CRASH.exec(line);
      if (m) found.push({ pid: Number(m[1]), signal: Number(m[2]) });
    }
    return found;
  }
}

function statOf(file: string): { id: string; size: number } {
  try {
    const st = statSync(file);
    return { id: `${st.ino}:${st.birthtimeMs}`, size: st.size };
  } catch {
    return { id: '', size: 0 };
  }
}
