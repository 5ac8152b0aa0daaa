// Every advertised major really runs: create, connect with TLS, check the server version.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operation } from '@/lib/schemas/operation';
import { queryAs, removeDataDir, startEngine, type TestEngine } from './harness';

let t: TestEngine;
beforeAll(async () => {
  t = await startEngine();
});
afterAll(async () => {
  await t?.stop();
  removeDataDir(t.dataDir);
});

describe('each installed major', () => {
  it('is advertised, creates, serves TLS and reports its version', async () => {
    const type = await t.call<{ 'available-versions': string[] }>('GET', '/dbaas-service-type/pg');
    const majors = type.body['available-versions'];
    expect(majors.length).toBeGreaterThan(0);
    // created together: the engine handles several creates at once
    const ops = await Promise.all(majors.map((m) => t.call<Operation>('POST', `/dbaas-postgres/v${m}`, { plan: 'hobbyist-2', version: m })));
    for (const op of ops) expect(op.body.state).toBe('pending');
    for (const op of ops) expect(await t.waitOperation(op.body.id, 240_000)).toMatchObject({ state: "success" });
    for (const m of majors) {
      const svc = await t.getService(`v${m}`);
      expect(svc.version).toBe(m);
      const rows = await queryAs(t, svc, "SELECT current_setting('server_version_num')::int / 10000 AS major");
      expect(rows[0]?.major).toBe(Number(m));
    }
  }, 400_000);
});
