import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LogWatch } from './log-watch';

const dir = mkdtempSync(join(tmpdir(), 'log-watch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('LogWatch', () => {
  it('reports backend crashes logged since the last look, in both wordings, once', () => {
    const file = join(dir, 'a.log');
    writeFileSync(file, 'LOG:  server process (PID 1) was terminated by signal 9: Killed\n');
    const w = new LogWatch();
    expect(w.crashes(file)).toEqual([]);
    appendFileSync(file, 'LOG:  server process (PID 42) was terminated by signal 9: Killed\nLOG:  checkpoint\n');
    appendFileSync(file, 'LOG:  client backend (PID 43) was terminated by signal 11: Segmentation fault\n');
    expect(w.crashes(file)).toEqual([{ pid: 42, signal: 9 }, { pid: 43, signal: 11 }]);
    expect(w.crashes(file)).toEqual([]);
  });

  it('keeps a half-written line for the next look, and starts over when the log is replaced', () => {
    const file = join(dir, 'b.log');
    writeFileSync(file, '');
    const w = new LogWatch();
    expect(w.crashes(file)).toEqual([]);
    appendFileSync(file, 'LOG:  client backend (PID 7) was termin');
    expect(w.crashes(file)).toEqual([]);
    appendFileSync(file, 'ated by signal 9: Killed\n');
    expect(w.crashes(file)).toEqual([{ pid: 7, signal: 9 }]);
    // rotated: a new file in its place
    rmSync(file);
    writeFileSync(file, 'LOG:  client backend (PID 8) was terminated by signal 6: Aborted\n');
    expect(w.crashes(file)).toEqual([{ pid: 8, signal: 6 }]);
  });

  it('follows a log to the next file under the same key (the collector rotated), reading that one from its start', () => {
    const [first, second] = [join(dir, 'c-1.log'), join(dir, 'c-2.log')];
    writeFileSync(first, 'LOG:  server process (PID 1) was terminated by signal 9: Killed\n');
    const w = new LogWatch();
    expect(w.crashes(first, 'node')).toEqual([]);
    writeFileSync(second, 'LOG:  client backend (PID 9) was terminated by signal 9: Killed\n');
    expect(w.crashes(second, 'node')).toEqual([{ pid: 9, signal: 9 }]);
  });

  it('a missing log is no news', () => {
    expect(new LogWatch().crashes(join(dir, 'none.log'))).toEqual([]);
  });
});
