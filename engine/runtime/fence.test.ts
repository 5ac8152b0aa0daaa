// fence kills every process whose working directory is the data directory (stopped, in its own session, or in a
// directory removed under it) and renames the directory; a process elsewhere, even under a similar name, is untouched.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { fence } from './fence';

const children: ChildProcess[] = [];
const dirs: string[] = [];

const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'fence-'));
  dirs.push(dir);
  return dir;
};

/** The fields of /proc/<pid>/stat after the command name: state, ppid, pgrp, session, …; null once reaped. */
function stat(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

const exited = (pid: number): boolean => [undefined, 'Z'].includes(stat(pid)?.[0]);

/**
 * Whether a killed process is gone (or a zombie) within 5 s. fence returns once no process runs in the directory,
 * which a dying process stops doing (its files closed, its cwd released) a moment before its state turns Z: on a
 * loaded machine that moment is long enough to see.
 */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 500 && !exited(pid); i++) await sleep(10);
  return exited(pid);
}

/** `sleep 60` (through `setsid` when asked) in `cwd`, once it runs sleep itself. */
async function sleeper(cwd: string, setsid = false): Promise<number> {
  const child = setsid ? spawn('setsid', ['sleep', '60'], { cwd }) : spawn('sleep', ['60'], { cwd });
  children.push(child);
  const pid = child.pid as number;
  while (readFileSync(`/proc/${pid}/cmdline`, 'utf8') !== 'sleep\x0060\x00') await sleep(5);
  return pid;
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('fence', () => {
  it('kills a running, a stopped and a session-leading process in the directory, then renames it', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'pg_wal'));
    const outside = tempDir();
    const sibling = `${dir}-other`;
    mkdirSync(sibling);
    dirs.push(sibling);

    const plain = await sleeper(dir);
    const stopped = await sleeper(join(dir, 'pg_wal'));
    process.kill(stopped, 'SIGSTOP');
    const leader = await sleeper(dir, true);
    expect(stat(leader)?.[3]).toBe(String(leader)); // its own session, as every PostgreSQL process is
    const others = [await sleeper(outside), await sleeper(sibling)];

    const result = await fence(dir, { postmasterPid: plain, renameTo: `${dir}.fenced-1` });

    expect(result.killed.sort()).toEqual([plain, stopped, leader].sort());
    expect(result.stuck).toEqual([]);
    for (const pid of [plain, stopped, leader]) expect(await gone(pid)).toBe(true);
    for (const pid of others) expect(stat(pid)?.[0]).toBe('S');
    expect(result.renamedTo).toBe(`${dir}.fenced-1`);
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(join(`${dir}.fenced-1`, 'pg_wal'))).toBe(true);
    dirs.push(`${dir}.fenced-1`);
  });

  it('kills a process whose directory was removed under it, and has nothing to rename', async () => {
    const dir = tempDir();
    const orphan = await sleeper(dir);
    rmSync(dir, { recursive: true });
    expect(readlinkSync(`/proc/${orphan}/cwd`)).toBe(`${dir} (deleted)`);

    const result = await fence(dir, { renameTo: `${dir}.fenced-2` });

    expect(result.killed).toEqual([orphan]);
    expect(await gone(orphan)).toBe(true);
    expect(result.renamedTo).toBeNull();
    expect(existsSync(`${dir}.fenced-2`)).toBe(false);
  });

  it('stops no postmaster running elsewhere, whether passed or read from postmaster.pid', async () => {
    const dir = tempDir();
    const outsider = await sleeper(tempDir());
    writeFileSync(join(dir, 'postmaster.pid'), `${outsider}\n${dir}\n`);

    for (const postmasterPid of [outsider, null]) {
      const result = await fence(dir, { postmasterPid });
      expect(result).toMatchObject({ killed: [], stuck: [], renamedTo: null });
      expect(stat(outsider)?.[0]).toBe('S');
    }
  });
});
