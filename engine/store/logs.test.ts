import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LogStore, type LogLine } from './logs';

const dir = mkdtempSync(join(tmpdir(), 'log-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const line = (i: number): LogLine => ({ time: `2026-12-02T00:00:${String(i % 60).padStart(2, '0')}.000Z`, node: 'n-1', unit: 'postgresql', message: `line ${i} ${'x'.repeat(90)}` });
const at = (position: number) => [{ file: '/f', fileId: '1:0', position }];

describe('LogStore', () => {
  it('drops the oldest lines past the cap, and an offset taken before keeps its place', () => {
    const store = new LogStore(join(dir, 'cap.db'));
    store.append('s', Array.from({ length: 100 }, (_, i) => line(i)), at(100), 1_000_000);
    const first = store.page('s', 'desc', 10, null);
    const offset = first.at(-1)!.id;
    // ~100 bytes a line: a 5,000-byte cap keeps the newest ~45 after a trim to 90 %
    store.append('s', Array.from({ length: 100 }, (_, i) => line(100 + i)), at(200), 5_000);
    expect(store.size('s')).toBeLessThanOrEqual(5_000);
    const kept = store.page('s', 'asc', 500, null);
    expect(kept.at(-1)?.message).toMatch(/^line 199 /);
    expect(kept[0]!.id).toBeGreaterThan(offset);
    // the old offset: nothing older is left, so desc ends; asc goes on from the oldest kept
    expect(store.page('s', 'desc', 10, offset)).toEqual([]);
    expect(store.page('s', 'asc', 1, offset)[0]).toEqual(kept[0]);
    expect(store.positions('s').get('/f')).toEqual({ file: '/f', fileId: '1:0', position: 200 });
    store.close();
  });

  it('keeps what it read across a reopen, and forgets a deleted service', () => {
    const file = join(dir, 'reopen.db');
    const a = new LogStore(file);
    a.append('s', [line(1), line(2)], at(10), 1_000_000);
    a.append('t', [line(3)], at(5), 1_000_000);
    a.close();
    const b = new LogStore(file);
    expect(b.page('s', 'asc', 10, null).map((l) => l.message.split(' ')[1])).toEqual(['1', '2']);
    expect(b.positions('s').get('/f')?.position).toBe(10);
    b.forget('s');
    expect(b.page('s', 'asc', 10, null)).toEqual([]);
    expect(b.positions('s').size).toBe(0);
    expect(b.page('t', 'asc', 10, null)).toHaveLength(1);
    b.close();
  });
});
