// Plan changes (issue 15): the preview under /v2/pgdeck says what each other plan would change (memory-derived
// parameters, which restart PostgreSQL) and what the change would refuse; a plan whose disk is smaller than what the
// service holds is refused with a 400 naming plan, and nothing changes; once it fits, the same change goes through.
import { rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operation } from '@/lib/schemas/operation';
import type { PlanChanges } from '@/lib/schemas/plan-change';
import type { ServicePg } from '@/lib/schemas/service';
import { paths } from '../runtime/instance';
import { Fixtures } from './fixtures';
import { queryAs, type TestEngine } from './harness';

const f = new Fixtures();
let t: TestEngine;
let svc: ServicePg;
beforeAll(async () => {
  t = await f.engineOn();
  // shared_buffers from the service's own percentage, work_mem fixed by the service
  svc = await t.createService('pc', { plan: 'startup-4', version: '17', 'shared-buffers-percentage': 30, 'work-mem': 8 });
}, 180_000);
afterAll(() => f.cleanup(), 300_000);

const settings = async (s: ServicePg) =>
  (await queryAs(t, s, `SELECT current_setting('shared_buffers') AS sb, current_setting('max_connections') AS mc,
    current_setting('work_mem') AS wm, pg_postmaster_start_time()::text AS started`))[0];

const preview = async () => {
  const res = await t.call<PlanChanges>('GET', '/pgdeck/dbaas-postgres/pc/plan-changes');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

/**
 * Makes the service hold `bytes` more without writing them: a sparse file beside defaultdb's relations, which
 * pg_database_size counts by its length (as it counts every file there). PostgreSQL never opens it.
 */
function padDatabase(root: string, dbOid: number, bytes: number): () => void {
  const file = join(paths(root).data, 'base', String(dbOid), '999999999');
  writeFileSync(file, '');
  truncateSync(file, bytes);
  expect(statSync(file).blocks).toBeLessThan(64);
  return () => rmSync(file);
}

/** Operations recorded for the service: a refused change records none. */
const countOperations = () => (t.engine.db.prepare("SELECT count(*) AS n FROM operations WHERE service = 'pc'").get() as { n: number }).n;

describe('plan changes', () => {
  it('the preview says which memory-derived parameters follow each plan and which restart PostgreSQL', async () => {
    const body = await preview();
    expect(body['disk-use']?.databases).toBeGreaterThan(0);
    expect(body['disk-use']?.total).toBe((body['disk-use']?.databases ?? 0) + (body['disk-use']?.wal ?? 0) + (body['disk-use']?.backups ?? 0));
    expect(body['plan-changes'].map((c) => c.plan)).not.toContain('startup-4');
    const down = body['plan-changes'].find((c) => c.plan === 'hobbyist-2');
    const byName = Object.fromEntries((down?.parameters ?? []).map((p) => [p.name, p]));
    // 30 % of 4 GiB, then of 2 GiB: the service's percentage follows the memory
    expect(byName.shared_buffers).toEqual({ name: 'shared_buffers', from: '1228MB', to: '614MB', restart: true, 'from-settings': true });
    expect(byName.max_connections).toEqual({ name: 'max_connections', from: '100', to: '50', restart: true, 'from-settings': false });
    expect(byName.effective_cache_size).toMatchObject({ from: '3072MB', to: '1536MB', restart: false });
    // the service fixed work_mem: the plan does not move it
    expect(byName.work_mem).toBeUndefined();
    expect(down?.refused).toBeUndefined();
    // the same memory in another family: nothing in PostgreSQL changes (the standby is the change)
    expect(body['plan-changes'].find((c) => c.plan === 'business-4')).toEqual({ plan: 'business-4', parameters: [] });
  });

  it('refuses a plan whose disk is smaller than what the service holds, naming plan, and changes nothing', async () => {
    const before = await settings(svc);
    const record = t.engine.services.get('pc');
    const master = record && t.engine.nodes.master('pc');
    if (!record || !master) throw new Error('no master');
    const [{ oid }] = (await queryAs(t, svc, "SELECT oid::int FROM pg_database WHERE datname = 'defaultdb'")) as [{ oid: number }];
    // after the first base backup, which would copy the padding
    await expect.poll(async () => (await t.getService('pc')).backups?.length ?? 0, { timeout: 60_000 }).toBeGreaterThan(0);
    const unpad = padDatabase(t.engine.nodeRoot(record, master), oid, 9 * 2 ** 30);
    try {
      const refusal = (await preview())['plan-changes'].find((c) => c.plan === 'hobbyist-2')?.refused;
      expect(refusal?.field).toBe('plan');
      expect(refusal?.message).toMatch(/^plan: hobbyist-2 has 8 GiB of disk, less than the 9\.\d GiB pc holds \(databases 9\.\d GiB, WAL \d+ MiB, backups \d+(\.\d)? [MG]iB\)/);
      // a plan with as much disk or more is not measured against it
      expect((await preview())['plan-changes'].find((c) => c.plan === 'startup-8')?.refused).toBeUndefined();

      const operations = countOperations();
      const res = await t.call<{ message: string; field?: string; code?: string }>('PUT', '/dbaas-postgres/pc', { plan: 'hobbyist-2' });
      expect([res.status, res.body.field, res.body.code]).toEqual([400, 'plan', 'incorrect']);
      expect(res.body.message).toBe(refusal?.message);
      const after = await t.getService('pc');
      expect(after).toMatchObject({ plan: 'startup-4', state: 'running', 'node-memory': 4 * 2 ** 30, 'max-connections': 100 });
      expect(await settings(after)).toEqual(before);
      expect(countOperations()).toBe(operations);
    } finally {
      unpad();
    }

    // what it holds fits again: the same change is made, with the parameters the preview said
    const res = await t.call<Operation>('PUT', '/dbaas-postgres/pc', { plan: 'hobbyist-2' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const op = await t.waitOperation(res.body.id);
    expect(op.state).toBe('success');
    const after = await t.getService('pc');
    expect(after).toMatchObject({ plan: 'hobbyist-2', 'node-memory': 2 * 2 ** 30, 'disk-size': 8 * 2 ** 30, 'max-connections': 50 });
    const now = await settings(after);
    expect(now).toMatchObject({ sb: '614MB', mc: '50', wm: '8MB' });
    expect(now?.started).not.toBe(before?.started);
  });
});
