// One service's admin stays inside its own service. The attack from issue 8,
// on PostgreSQL 13, 14 and 15 (where CREATEROLE could grant any role): the
// admin tries to get server programs and files; then, assuming the worst
// (code running as the service's OS user), that user tries to read another
// service's secrets, enter its socket directory and log in as a superuser.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServicePg } from '@/lib/schemas/service';
import { run } from '../runtime/process';
import { bouncerPaths } from '../runtime/pgbouncer';
import { paths } from '../runtime/instance';
import { queryAs, removeDataDir, startEngine, type TestEngine } from './harness';
import { masterOf } from '../domain/lookup';

const ATTACKERS = ['13', '14', '15'] as const;
let t: TestEngine;
const svcs = new Map<string, ServicePg>();

beforeAll(async () => {
  t = await startEngine();
  // the target runs 16, where the attack reached the superuser through the shared OS user
  const created = await Promise.all([...ATTACKERS, '16'].map((m) => t.createService(`iso${m}`, { version: m })));
  for (const s of created) svcs.set(s.version ?? '', s);
}, 300_000);

afterAll(async () => {
  await t?.stop();
  if (t) removeDataDir(t.dataDir);
});

const record = (name: string) => {
  const r = t.engine.services.get(name);
  if (!r) throw new Error(`no service ${name}`);
  return r;
};
const rootOf = (name: string) => t.engine.serviceRoot(record(name));
const svc = (major: string) => svcs.get(major) as ServicePg;
const uidOf = (pid: number) => Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

/** A shell command as the service's OS user: what COPY ... FROM PROGRAM would run, if it ran. */
function asServiceUser(name: string, command: string): Promise<string> {
  const user = t.engine.serviceRunAs(record(name));
  if (!user) throw new Error('the engine must run as root for this test');
  return run('/bin/sh', ['-c', `${command} 2>&1; echo "exit=$?"`], { runAs: user });
}

describe.each(ATTACKERS)('the admin of a PostgreSQL %s service', (major) => {
  const attempts: [string, string, RegExp][] = [
    ['grant itself pg_execute_server_program', 'GRANT pg_execute_server_program TO CURRENT_USER', /permission denied|must have admin option/],
    ['grant itself pg_read_server_files', 'GRANT pg_read_server_files TO CURRENT_USER', /permission denied|must have admin option/],
    ['grant itself pg_write_server_files', 'GRANT pg_write_server_files TO CURRENT_USER', /permission denied|must have admin option/],
    ['create a role inside pg_execute_server_program', 'CREATE ROLE sneaky IN ROLE pg_execute_server_program', /permission denied/],
    ['run a program with COPY', "CREATE TEMP TABLE t (x text); COPY t FROM PROGRAM 'id'", /permission denied|must be superuser/],
    ['read a server file', "SELECT pg_read_file('/etc/passwd')", /permission denied/],
    ['make itself superuser', 'ALTER ROLE CURRENT_USER SUPERUSER', /permission denied|must be superuser/],
  ];
  it.each(attempts)('cannot %s', async (_what, sql, refusal) => {
    await expect(queryAs(t, svc(major), sql)).rejects.toThrow(refusal);
  });

  it('has no CREATEROLE (before 16 it could grant those roles) and holds none of them', async () => {
    const rows = await queryAs(t, svc(major), `SELECT rolcreaterole,
      pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER') AS program,
      pg_has_role(current_user, 'pg_read_server_files', 'MEMBER') AS read,
      pg_has_role(current_user, 'pg_write_server_files', 'MEMBER') AS write
      FROM pg_roles WHERE rolname = current_user`);
    expect(rows[0]).toEqual({ rolcreaterole: false, program: false, read: false, write: false });
  });

  it("runs as its own OS user, which cannot read another service's files, enter its sockets or log in as a superuser", async () => {
    const me = `iso${major}`;
    const target = 'iso16';
    const userlist = bouncerPaths(rootOf(target)).users;
    const readOther = await asServiceUser(me, `cat ${userlist}`);
    expect(readOther).toMatch(/Permission denied/);
    expect(readOther).not.toMatch(/SCRAM-SHA-256/);
    const enterOther = await asServiceUser(me, `ls ${paths(rootOf(target)).run}`);
    expect(enterOther).toMatch(/Permission denied/);
    // psql (Debian's 15) over the other service's socket: the directory cannot be entered
    const port = masterOf(t.engine, record(target)).port;
    const psqlOther = await asServiceUser(me, `/usr/bin/psql -w -h ${paths(rootOf(target)).run} -p ${port} -U postgres -c 'SELECT 1' postgres`);
    expect(psqlOther).toMatch(/Permission denied|No such file/);
    // its own socket: no trust, the superuser needs the engine's secret
    const own = record(me);
    const psqlOwn = await asServiceUser(me, `PGCONNECT_TIMEOUT=5 /usr/bin/psql -w -h ${paths(rootOf(me)).run} -p ${masterOf(t.engine, own).port} -U postgres -c 'SELECT 1' postgres`);
    expect(psqlOwn).toMatch(/no password supplied|password authentication failed/);
    expect(psqlOwn).not.toMatch(/\(1 row\)/);
  });
});

describe('isolation on disk and in the process table', () => {
  it("each service's postmaster and PgBouncer run as its own OS user, one per service", async () => {
    const uids = new Set<number>();
    for (const name of ['iso13', 'iso14', 'iso15', 'iso16']) {
      const r = record(name);
      const user = t.engine.serviceRunAs(r);
      expect(user?.name).toBe(r.osUser);
      const pg = t.engine.runtime.pid(rootOf(name));
      const bouncer = t.engine.bouncer?.pid(rootOf(name));
      expect(pg).not.toBeNull();
      expect(bouncer).not.toBeNull();
      expect(uidOf(pg as number)).toBe(user?.uid);
      expect(uidOf(bouncer as number)).toBe(user?.uid);
      uids.add(user?.uid ?? -1);
    }
    expect(uids.size).toBe(4);
    expect(uids.has(t.engine.runAs?.uid ?? -1)).toBe(false);
  });

  it("a service's directory, sockets and PgBouncer files are its own user's alone", () => {
    for (const name of ['iso13', 'iso16']) {
      const user = t.engine.serviceRunAs(record(name));
      const root = rootOf(name);
      for (const [path, mode] of [[root, 0o700], [paths(root).run, 0o700], [paths(root).data, 0o700], [bouncerPaths(root).dir, 0o700], [bouncerPaths(root).users, 0o600], [join(paths(root).data, 'server.key'), 0o600]] as const) {
        const st = statSync(path);
        expect({ path, mode: st.mode & 0o777, uid: st.uid }).toEqual({ path, mode, uid: user?.uid });
      }
    }
  });

  it('no trust anywhere: no pg_hba.conf nor PgBouncer hba.conf says trust', () => {
    for (const name of ['iso13', 'iso14', 'iso15', 'iso16']) {
      const root = rootOf(name);
      for (const file of [join(paths(root).data, 'pg_hba.conf'), bouncerPaths(root).hba]) {
        const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
        expect(lines.filter((l) => /\btrust\b/.test(l))).toEqual([]);
      }
    }
  });

  it("the engine's keys and secrets are readable by the engine only", () => {
    const d = t.dataDir;
    const expected: [string, number][] = [
      [join(d, 'engine.db'), 0o600],
      [join(d, 'secret.key'), 0o600],
      [join(d, 'credentials.json'), 0o600],
      [join(d, 'ca'), 0o700],
      [join(d, 'ca', 'ca.key'), 0o600],
    ];
    for (const f of readdirSync(d).filter((n) => /^engine\.db-(wal|shm)$/.test(n))) expected.push([join(d, f), 0o600]);
    expect(expected.length).toBeGreaterThanOrEqual(6);
    for (const [path, mode] of expected) {
      const st = statSync(path);
      expect({ path, mode: st.mode & 0o777, uid: st.uid }).toEqual({ path, mode, uid: 0 });
    }
  });
});
