// The logs endpoint (issue 14): the lines PostgreSQL and PgBouncer really wrote, paged by an offset that keeps
// its place while new lines arrive and PostgreSQL's collector rotates its file, with no password in any line.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceLogs } from '@/lib/schemas/logs';
import type { Operation } from '@/lib/schemas/operation';
import { takeBackup } from '../domain/backups';
import { paths } from '../runtime/instance';
import { queryAs, type TestEngine } from './harness';
import { until } from './engine-process';
import { Fixtures } from './fixtures';

const f = new Fixtures();
let t: TestEngine;
beforeAll(async () => {
  t = await f.engineOn();
}, 120_000);
afterAll(() => f.cleanup(), 300_000);

const logsOf = async (name: string, body: Record<string, unknown> = {}) => {
  const res = await t.call<ServiceLogs>('POST', `/dbaas-service-logs/${name}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

/** Every line kept, oldest first, page by page. */
async function allLogs(name: string): Promise<ServiceLogs['logs']> {
  const out: ServiceLogs['logs'] = [];
  let offset: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await logsOf(name, { 'sort-order': 'asc', limit: 500, ...(offset ? { offset } : {}) });
    out.push(...page.logs);
    if (page.logs.length < 500) break;
    offset = page.offset;
  }
  return out;
}

describe('service logs', () => {
  it('shows a slow query and a failed login as PostgreSQL wrote them, never a password, and pages stably across a rotation', async () => {
    const svc = await t.createService('logs', { version: '17', 'pg-settings': { log_min_duration_statement: 0 } });
    await queryAs(t, svc, 'SELECT pg_sleep(0.2) AS slow_query_marker');
    // a password set by the admin, then a login with a wrong one
    const secret = 'Tr0ub4dor-and-3-horses';
    const wrong = 'not-the-password-4711';
    expect((await t.call<Operation>('POST', '/dbaas-postgres/logs/user', { username: 'app' })).status).toBe(200);
    const reset = await t.call<Operation>('PUT', '/dbaas-postgres/logs/user/app/password/reset', { password: secret });
    expect((await t.waitOperation(reset.body.id)).state).toBe('success');
    expect(await queryAs(t, svc, 'SELECT 1 AS ok', { user: 'app', password: secret })).toEqual([{ ok: 1 }]);
    const refused = await queryAs(t, svc, 'SELECT 1', { user: 'app', password: wrong }).then(() => null, (e: Error) => e);
    expect(refused?.message).toMatch(/password authentication failed/);

    const all = await until('the slow query and the failed login in the logs', async () => {
      const lines = await allLogs('logs');
      const text = lines.map((l) => l.message).join('\n');
      return /duration: \d+\.\d+ ms {2}statement: SELECT pg_sleep\(0\.2\) AS slow_query_marker/.test(text)
        && /password authentication failed for user "app"/.test(text) && lines;
    });
    expect(all.find((l) => l.message.includes('slow_query_marker'))).toMatchObject({ node: 'logs-1', unit: 'postgresql' });
    expect(all.every((l) => !Number.isNaN(Date.parse(l.time)))).toBe(true);
    // PgBouncer's lines too, beside the master
    expect(all.some((l) => l.unit === 'pgbouncer' && l.node === 'logs-1')).toBe(true);
    // log_min_duration_statement 0 logged the engine's ALTER ROLE with the new verifier: it is passed on redacted
    expect(all.some((l) => /ROLE "?app"?.*PASSWORD '\[redacted\]'/.test(l.message))).toBe(true);
    for (const l of all) {
      expect(l.message).not.toContain(secret);
      expect(l.message).not.toContain(wrong);
      expect(l.message).not.toMatch(/SCRAM-SHA-256\$\d+:/);
    }
    // newest first: each process's lines in the order it wrote them
    const newest = await logsOf('logs', { limit: 200 });
    for (const unit of ['postgresql', 'pgbouncer']) {
      const times = newest.logs.filter((l) => l.unit === unit).map((l) => Date.parse(l.time));
      expect(times).toEqual([...times].sort((a, b) => b - a));
    }
    // paging: two pages, newest first
    const first = await logsOf('logs', { limit: 3 });
    const second = await logsOf('logs', { limit: 3, offset: first.offset });
    expect(second.logs).toHaveLength(3);
    expect(Number(second['first-log-offset'])).toBeLessThan(Number(first.offset));

    // PostgreSQL's collector starts a new file; more lines arrive in it
    const node = t.engine.nodes.master('logs')!;
    const spec = t.engine.spec(t.engine.services.get('logs')!, node);
    const before = readdirSync(paths(spec.root).logDir);
    await t.engine.runtime.query(spec, 'SELECT pg_rotate_logfile()');
    await until('a new collector file', async () => readdirSync(paths(spec.root).logDir).some((n) => !before.includes(n)));
    await queryAs(t, svc, 'SELECT pg_sleep(0.2) AS after_rotation_marker');
    await until('the new line', async () => (await logsOf('logs', { limit: 5 })).logs.some((l) => l.message.includes('after_rotation_marker')));
    // the old file was read to its end and removed; the offset from before still gives the same page
    expect(readdirSync(paths(spec.root).logDir).filter((n) => before.includes(n))).toEqual([]);
    expect(await logsOf('logs', { limit: 3, offset: first.offset })).toEqual(second);
    // and ascending from the newest line seen before, the new ones follow, in order
    const later = await logsOf('logs', { 'sort-order': 'asc', offset: first['first-log-offset'], limit: 500 });
    expect(later.logs.some((l) => l.message.includes('after_rotation_marker'))).toBe(true);
    expect(Number(later['first-log-offset'])).toBeGreaterThan(Number(first['first-log-offset']));
    // an ascending tail past the end repeats none of those lines, and keeps its offset unless lines arrived since
    // (PostgreSQL may log meanwhile: a checkpoint, the marker's own duration line)
    const tail = await logsOf('logs', { 'sort-order': 'asc', offset: later.offset });
    const seen = new Set(later.logs.map((l) => `${l.time} ${l.node} ${l.message}`));
    expect(tail.logs.filter((l) => seen.has(`${l.time} ${l.node} ${l.message}`))).toEqual([]);
    if (tail.logs.length === 0) expect(tail.offset).toBe(later.offset);
    else expect(Number(tail.offset)).toBeGreaterThan(Number(later.offset));
  });

  it('a scheduled backup that fails is a warning in the notifications, once per run of failures', async () => {
    // a backup already being taken: the scheduled one is refused, for real
    const holding = takeBackup(t.engine, 'logs');
    const later = new Date(Date.now() + 2 * 86_400_000);
    await t.scheduler.tick(later);
    await t.scheduler.tick(new Date(later.getTime() + 10 * 60_000));
    await holding;
    const failed = ((await t.getService('logs')).notifications ?? []).filter((n) => n.type === 'service_backup_failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ level: 'warning', metadata: { job: 'backup:logs' } });
    expect(failed[0]?.message).toMatch(/^The scheduled backup failed \(tried again every 5 minutes until it succeeds\): a backup of logs is being taken$/);
  });

  it('refuses bad paging naming the field, and an unknown service', async () => {
    for (const [body, field] of [[{ limit: 0 }, 'limit'], [{ limit: 501 }, 'limit'], [{ 'sort-order': 'up' }, 'sort-order'], [{ offset: 'abc' }, 'offset'], [{ page: 1 }, 'page']] as const) {
      const res = await t.call<{ field?: string; message: string }>('POST', '/dbaas-service-logs/logs', body);
      expect([res.status, res.body.field], JSON.stringify(res.body)).toEqual([400, field]);
    }
    expect((await t.call('POST', '/dbaas-service-logs/nope', {})).status).toBe(404);
  });
});
