import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childrenOf, DirSizer, loadAverage, procUsage } from './metrics-proc';

describe('procUsage', () => {
  it('counts a process and its children, and CPU time grows with work', async () => {
    const child = spawn('/bin/sleep', ['5']);
    try {
      await new Promise((r) => setTimeout(r, 100));
      expect(childrenOf(process.pid)).toContain(child.pid);
      const before = procUsage([process.pid]);
      expect(before.processes).toBeGreaterThanOrEqual(2);
      expect(before.memoryBytes).toBeGreaterThan(10 * 1024 * 1024);
      // 150 ms of this process's own CPU time, however long a loaded machine takes to give it (bounded)
      const start = process.cpuUsage();
      const deadline = Date.now() + 20_000;
      while (process.cpuUsage(start).user + process.cpuUsage(start).system < 150_000 && Date.now() < deadline) Math.sqrt(Math.random());
      expect(procUsage([process.pid]).cpuSeconds).toBeGreaterThan(before.cpuSeconds + 0.1);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('is empty for a process that does not exist', () => {
    expect(procUsage([2 ** 22 + 1]).processes).toBe(0);
  });

  it('reads the load average', () => {
    expect(loadAverage()).toBeGreaterThanOrEqual(0);
  });
});

describe('DirSizer', () => {
  it('follows files added and removed in a tree', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgdeck-dirsize-'));
    try {
      const sizer = new DirSizer();
      expect(sizer.size(dir)).toBe(0);
      mkdirSync(join(dir, 'wal'));
      writeFileSync(join(dir, 'wal', 'a'), Buffer.alloc(64 * 1024, 1));
      writeFileSync(join(dir, 'b'), Buffer.alloc(32 * 1024, 1));
      expect(sizer.size(dir)).toBeGreaterThanOrEqual(96 * 1024);
      rmSync(join(dir, 'wal'), { recursive: true });
      const after = sizer.size(dir);
      expect(after).toBeGreaterThanOrEqual(32 * 1024);
      expect(after).toBeLessThan(64 * 1024);
      expect(sizer.size(join(dir, 'missing'))).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
