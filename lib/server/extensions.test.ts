import { describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api-v2/errors';
import { upstreamExtensions } from './extensions';
import type { Upstream } from './upstream';

/** An upstream that answers GET /pgdeck as given, counting the calls. */
function upstream(answer: () => unknown): Upstream & { calls: number } {
  const u = (async () => {
    u.calls++;
    return answer();
  }) as unknown as Upstream & { calls: number };
  u.calls = 0;
  return u;
}

describe('upstreamExtensions', () => {
  it('lists what a pgdeck engine offers, asking once a minute per upstream', async () => {
    const u = upstream(() => ({ extensions: ['query-statistics', 7] }));
    expect(await upstreamExtensions(u, 'http://engine-a/v2')).toEqual(['query-statistics']);
    expect(await upstreamExtensions(u, 'http://engine-a/v2')).toEqual(['query-statistics']);
    expect(u.calls).toBe(1);
  });

  it('is empty where the upstream has no /v2/pgdeck (a public zone answers 404), and remembers it', async () => {
    const u = upstream(() => {
      throw new ApiError('not-found', 'no such endpoint');
    });
    expect(await upstreamExtensions(u, 'https://api-ch-gva-2.example/v2')).toEqual([]);
    expect(await upstreamExtensions(u, 'https://api-ch-gva-2.example/v2')).toEqual([]);
    expect(u.calls).toBe(1);
  });

  it('asks again after another refusal (the upstream was down), offering nothing meanwhile', async () => {
    const u = upstream(() => {
      throw new ApiError('unavailable', 'down');
    });
    expect(await upstreamExtensions(u, 'http://engine-b/v2')).toEqual([]);
    expect(await upstreamExtensions(u, 'http://engine-b/v2')).toEqual([]);
    expect(u.calls).toBe(2);
  });
});
