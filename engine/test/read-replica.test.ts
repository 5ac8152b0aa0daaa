// Read replicas (issue 13): a service of its own that streams from another
// over TLS, refuses writes and changes to its users, shows its lag, and is
// promoted to a standalone service when its integration is deleted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Integration } from '@/lib/schemas/integration';
import type { Operation } from '@/lib/schemas/operation';
import type { ServicePg } from '@/lib/schemas/service';
import { queryAs, type TestEngine } from './harness';
import { until } from './engine-process';
import { Fixtures } from './fixtures';

const f = new Fixtures();
let t: TestEngine;
beforeAll(async () => {
  t = await f.engineOn();
}, 120_000);
afterAll(() => f.cleanup(), 300_000);

describe('read replicas', () => {
  it('are created with integrations, stream, refuse writes, and are promoted by deleting the integration', async () => {
    const source = await t.createService('src', { version: '17' });
    await queryAs(t, source, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'one')");
    const created = await t.call<Operation>('POST', '/dbaas-postgres/rep', {
      plan: 'startup-4', integrations: [{ type: 'read_replica', 'source-service': 'src' }],
    });
    expect(created.status).toBe(200);
    expect((await t.waitOperation(created.body.id, 180_000)).state).toBe('success');
    const replica = await t.getService('rep');
    expect(replica.version).toBe('17');
    expect(replica['node-states']).toEqual([expect.objectContaining({ name: 'rep-1', role: 'read-replica', state: 'running' })]);
    // both list the integration
    const [integration] = replica.integrations ?? [];
    expect(integration).toMatchObject({ type: 'read_replica', source: 'src', dest: 'rep', 'is-active': true, status: 'streaming' });
    expect((await t.getService('src')).integrations).toEqual([integration]);
    expect((await t.call<Integration>('GET', `/dbaas-integration/${integration?.id}`)).body).toEqual(integration);

    // it has the source's data and users, refuses writes, and follows
    expect(replica['uri-params']?.user).toBe(source['uri-params']?.user);
    expect(await queryAs(t, replica, 'SELECT v FROM t')).toEqual([{ v: 'one' }]);
    const refused = await queryAs(t, replica, "INSERT INTO t VALUES (2, 'two')").catch((e: { code?: string }) => e);
    expect((refused as { code?: string }).code).toBe('25006');
    await queryAs(t, source, "INSERT INTO t VALUES (2, 'two')");
    await until('the new row on the replica', async () => (await queryAs(t, replica, 'SELECT count(*)::int AS n FROM t'))[0]?.n === 2);
    const lag = await until('a lag sample', async () => {
      const n = (await t.getService('rep'))['node-states']?.[0];
      return n?.['pgdeck-lag-bytes'] !== undefined && n;
    });
    expect(lag['pgdeck-lag-bytes']).toBeGreaterThanOrEqual(0);

    // its contents are its source's: changes are refused, as are a multi-node plan and deleting the source
    const user = await t.call<{ message: string }>('POST', '/dbaas-postgres/rep/user', { username: 'x' });
    expect(user.status).toBe(409);
    expect(user.body.message).toMatch(/read replica of src/);
    expect((await t.call('POST', '/dbaas-postgres/rep/database', { 'database-name': 'd' })).status).toBe(409);
    expect((await t.call<{ field?: string }>('PUT', '/dbaas-postgres/rep', { plan: 'business-4' })).body.field).toBe('plan');
    expect((await t.call('DELETE', '/dbaas-postgres/src')).status).toBe(409);
    // a major upgrade of either side is refused while they are paired, naming the field
    const upSource = await t.call<{ field?: string; message: string }>('PUT', '/dbaas-postgres/src', { version: '18' });
    expect([upSource.status, upSource.body.field]).toEqual([409, 'version']);
    expect(upSource.body.message).toMatch(/read replicas \(rep\)/);
    const upReplica = await t.call<{ field?: string }>('PUT', '/dbaas-postgres/rep', { version: '18' });
    expect([upReplica.status, upReplica.body.field]).toEqual([409, 'version']);

    // the types and settings routes; PUT with settings {} changes nothing, anything else is refused naming it
    const types = await t.call<{ 'dbaas-integration-types': { type: string }[] }>('GET', '/dbaas-integration-types');
    expect(types.body['dbaas-integration-types'].map((x) => x.type)).toEqual(['read_replica']);
    expect((await t.call('GET', '/dbaas-integration-settings/read_replica/pg/pg')).status).toBe(200);
    expect((await t.call('GET', '/dbaas-integration-settings/logs/pg/pg')).status).toBe(404);
    const put = await t.call<Operation>('PUT', `/dbaas-integration/${integration?.id}`, { settings: {} });
    expect((await t.waitOperation(put.body.id)).state).toBe('success');
    expect((await t.call<{ field?: string }>('PUT', `/dbaas-integration/${integration?.id}`, { settings: { delay: 1 } })).body.field).toBe('settings.delay');

    // POST onto a service with data of its own is refused; a wrong type names the field
    await t.createService('full', { version: '17' }).then((s) => queryAs(t, s, 'CREATE TABLE mine (id int)'));
    const onFull = await t.call<{ field?: string }>('POST', '/dbaas-integration', { 'integration-type': 'read_replica', 'source-service': 'src', 'dest-service': 'full' });
    expect([onFull.status, onFull.body.field]).toEqual([409, 'dest-service']);
    const wrongType = await t.call<{ field?: string }>('POST', '/dbaas-integration', { 'integration-type': 'logs', 'source-service': 'src', 'dest-service': 'full' });
    expect([wrongType.status, wrongType.body.field]).toEqual([400, 'integration-type']);

    // promotion: the replica writes, has its own secret, its source forgets it
    const del = await t.call<Operation>('DELETE', `/dbaas-integration/${integration?.id}`);
    expect(del.status).toBe(200);
    expect(await t.waitOperation(del.body.id, 120_000)).toMatchObject({ state: 'success' });
    const promoted = await t.getService('rep');
    expect(promoted['node-states']?.[0]).toMatchObject({ role: 'master', state: 'running' });
    expect(promoted.integrations).toEqual([]);
    expect((await t.getService('src')).integrations).toEqual([]);
    await queryAs(t, promoted, "INSERT INTO t VALUES (3, 'three')");
    expect(t.engine.services.get('rep')?.engineSecretSealed).not.toBe(t.engine.services.get('src')?.engineSecretSealed);
    const leftovers = await t.engine.runtime.query<{ n: number }>(t.engine.spec(t.engine.services.get('src')!, t.engine.nodes.master('src')!),
      "SELECT ((SELECT count(*) FROM pg_roles WHERE rolname LIKE 'pgdeck\\_replica\\_%') + (SELECT count(*) FROM pg_replication_slots))::int AS n");
    expect(leftovers).toEqual([{ n: 0 }]);
    // users are its own now
    const made = await t.call<Operation>('POST', '/dbaas-postgres/rep/user', { username: 'mine' });
    expect((await t.waitOperation(made.body.id)).state).toBe('success');
  });

  it('POST /v2/dbaas-integration turns an empty service into a replica, and deleting the replica drops its slot on the source', async () => {
    const source = await t.createService('src2', { version: '17' });
    await queryAs(t, source, 'CREATE TABLE a AS SELECT 7 AS n');
    await t.createService('empty', { version: '17' });
    const res = await t.call<Operation>('POST', '/dbaas-integration', { 'integration-type': 'read_replica', 'source-service': 'src2', 'dest-service': 'empty' });
    expect(res.status).toBe(200);
    expect(await t.waitOperation(res.body.id, 180_000)).toMatchObject({ state: 'success' });
    const replica = await until('empty to run as a replica', async () => {
      const s = await t.getService('empty');
      return s.state === 'running' && s['node-states']?.[0]?.role === 'read-replica' && s;
    });
    expect(replica['uri-params']?.user).toBe(source['uri-params']?.user);
    expect(await queryAs(t, replica as ServicePg, 'SELECT n FROM a')).toEqual([{ n: 7 }]);
    const del = await t.call<Operation>('DELETE', '/dbaas-postgres/empty');
    expect(await t.waitOperation(del.body.id, 120_000)).toMatchObject({ state: 'success' });
    const slots = await queryAs(t, source, 'SELECT count(*)::int AS n FROM pg_replication_slots');
    expect(slots).toEqual([{ n: 0 }]);
    expect((await t.getService('src2')).integrations).toEqual([]);
  });
});
