// instrumentation-client.ts sets zod's config without importing zod (it would weigh on every page): zod must take it.
import { describe, expect, it, vi } from 'vitest';

describe("zod's config from instrumentation-client.ts", () => {
  it('makes zod jitless, so it never probes `new Function` (the CSP reports the probe)', async () => {
    delete (globalThis as { __zod_globalConfig?: unknown }).__zod_globalConfig;
    vi.resetModules();
    await import('@/instrumentation-client');
    const { config, util } = await import('zod/v4/core');
    expect(config().jitless).toBe(true);
    expect(util.allowsEval.value).toBe(false);
    const { z } = await import('zod');
    expect(z.object({ a: z.string() }).parse({ a: 'x' })).toEqual({ a: 'x' });
  });
});
