// The operations the console follows: shown at once, polled while pending,
// refreshed at the start and at the end, gone from the screen after a while.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { failOperation, operationLog, trackOperation } from './operation-log';

const shown = () => operationLog.snapshot().map(({ label, state, message }) => ({ label, state, message }));

/** The console's GET /api/operations/{id}, answering these states in turn. */
function answering(...states: ({ state: string; message?: string } | 'down')[]) {
  const calls: string[] = [];
  vi.stubGlobal('fetch', async (url: string) => {
    calls.push(url);
    const next = states.shift() ?? 'down';
    if (next === 'down') return new Response(JSON.stringify({ message: 'the endpoint cannot be used' }), { status: 503 });
    return new Response(JSON.stringify({ id: 'op-1', ...next }), { status: 200 });
  });
  return calls;
}

beforeEach(() => vi.useFakeTimers());
afterEach(async () => {
  await vi.runAllTimersAsync();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('operation log', () => {
  it('shows a finished operation at once, refreshes once, and takes it off the screen after 8 s', async () => {
    const settled = vi.fn();
    trackOperation({ id: 'a', state: 'success' }, 'Create database x', settled);
    expect(shown()).toEqual([{ label: 'Create database x', state: 'success', message: undefined }]);
    expect(settled).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(8000);
    expect(shown()).toEqual([]);
  });

  it('polls a pending operation until it ends, then refreshes again and shows why it failed', async () => {
    const calls = answering({ state: 'pending' }, { state: 'failure', message: 'service x is busy' });
    const settled = vi.fn();
    trackOperation({ id: 'op-1', state: 'pending' }, 'Update x', settled);
    expect(shown()).toEqual([{ label: 'Update x', state: 'pending', message: undefined }]);
    await vi.advanceTimersByTimeAsync(500);
    expect(shown()[0]?.state).toBe('pending');
    await vi.advanceTimersByTimeAsync(750);
    expect(calls).toEqual(['/api/operations/op-1', '/api/operations/op-1']);
    expect(shown()).toEqual([{ label: 'Update x', state: 'failure', message: 'service x is busy' }]);
    expect(settled).toHaveBeenCalledTimes(2);
  });

  it('shows what a pending operation says as it changes (an upgrade\'s step)', async () => {
    answering({ state: 'pending', message: 'upgrade 17 → 18: backup (2/5)' }, { state: 'success', message: 'upgraded 17 → 18 in 42 s' });
    trackOperation({ id: 'op-1', state: 'pending', message: 'upgrade 17 → 18: check (1/5)' }, 'Upgrade x', () => undefined);
    expect(shown()).toEqual([{ label: 'Upgrade x', state: 'pending', message: 'upgrade 17 → 18: check (1/5)' }]);
    await vi.advanceTimersByTimeAsync(500);
    expect(shown()).toEqual([{ label: 'Upgrade x', state: 'pending', message: 'upgrade 17 → 18: backup (2/5)' }]);
    await vi.advanceTimersByTimeAsync(750);
    expect(shown()).toEqual([{ label: 'Upgrade x', state: 'success', message: 'upgraded 17 → 18 in 42 s' }]);
  });

  it('says so when the operation cannot be followed, or the request itself failed', async () => {
    answering('down');
    trackOperation({ id: 'op-2', state: 'pending' }, 'Delete x', () => undefined);
    await vi.advanceTimersByTimeAsync(500);
    failOperation('Allow replication for bob', new Error('user bob not found'));
    expect(shown()).toEqual([
      { label: 'Delete x', state: 'error', message: 'the endpoint cannot be used' },
      { label: 'Allow replication for bob', state: 'error', message: 'user bob not found' },
    ]);
  });
});
