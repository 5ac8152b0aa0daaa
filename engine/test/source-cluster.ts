// A migration source for tests: a plain PostgreSQL server of one installed
// major, started from the engine's template for it (no engine, no pgdeck
// configuration), listening on 127.0.0.1 with SCRAM passwords, optionally TLS
// with a certificate from a throwaway CA nobody trusts unless the test passes
// it. What a user's own server would be.
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { installedMajors, reachableBinaries } from '../runtime/binaries';
import { InstanceRuntime, paths, type InstanceSpec } from '../runtime/instance';
import { lookupUser, processesUnder } from '../runtime/process';
import { DEFAULT_DATABASE, TEMPLATE_ADMIN } from '../runtime/templates';
import { ensureCa, issueServerCert } from '../runtime/tls';

export interface SourceOptions {
  major: string;
  walLevel?: 'logical' | 'replica';
  maxReplicationSlots?: number;
  maxWalSenders?: number;
  /** TLS with a certificate for 127.0.0.1 and localhost from a CA of its own (`caPem`). */
  ssl?: boolean;
  settings?: Record<string, string | number | boolean>;
}

export interface SourceCluster {
  major: string;
  host: string;
  port: number;
  /** The superuser `postgres`'s password (SCRAM over TCP and the socket). */
  password: string;
  /** The CA that signed its certificate, when it has TLS. */
  caPem: string | null;
  spec: InstanceSpec;
  /** As the superuser over the socket. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[], database?: string): Promise<R[]>;
  /** SIGKILL of the postmaster (a crash mid-copy); `start` brings it back. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const runAs = process.getuid?.() === 0 ? lookupUser(process.env.PGDECK_RUN_AS ?? 'pgdeck') : null;
const runtime = new InstanceRuntime(runAs);

/**
 * A port nothing listens on at this moment, above the kernel's ephemeral range (32768-60999) and the ranges
 * other test files give their engines (26000-49999): a source must never take a port a service of another
 * test file is about to be given.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = 61000 + Math.floor(Math.random() * 4500);
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
    if (attempt > 50) throw new Error('no free port in 61000-65499');
  }
}

/** Starts a source cluster under `dir` (a Fixtures data directory, so cleanup stops it). */
export async function startSource(dir: string, opts: SourceOptions): Promise<SourceCluster> {
  const found = installedMajors().find((b) => b.major === opts.major);
  if (!found) throw new Error(`PostgreSQL ${opts.major} is not installed`);
  const binaries = await reachableBinaries(found, runAs, '/usr/local/lib/pgdeck');
  const root = join(dir, `source-${opts.major}-${Math.random().toString(36).slice(2, 8)}`);
  const password = `src-${Math.random().toString(36).slice(2, 10)}`;
  const spec: InstanceSpec = {
    root,
    port: await freePort(),
    listen: '127.0.0.1',
    binaries,
    settings: {
      ssl: opts.ssl === true,
      wal_level: opts.walLevel ?? 'logical',
      max_replication_slots: opts.maxReplicationSlots ?? 10,
      max_wal_senders: opts.maxWalSenders ?? 10,
      shared_buffers: '32MB',
      ...opts.settings,
    },
    ipFilter: [],
    runAs,
    password,
  };
  await runtime.copyCluster(join(process.env.PGDECK_TEST_TEMPLATES ?? '', binaries.version), root);
  await runtime.setSuperuserPassword(root, binaries, runAs, password);
  let caPem: string | null = null;
  if (opts.ssl) {
    const ca = await ensureCa(join(root, 'ca'));
    caPem = ca.cert;
    runtime.writeConfig(spec, await issueServerCert(ca, ['127.0.0.1', 'localhost']));
  } else {
    runtime.writeConfig(spec);
  }
  // A user's server: passwords over TCP (TLS when it has it) and the socket, replication included.
  const host = opts.ssl ? 'hostssl' : 'host';
  runtime.writeOwned(join(paths(root).data, 'pg_hba.conf'), [
    'local all all scram-sha-256',
    `${host} all all 127.0.0.1/32 scram-sha-256`,
    `${host} replication all 127.0.0.1/32 scram-sha-256`,
    '',
  ].join('\n'), runAs);
  await runtime.start(spec);
  // the engine's template has its default database and admin: a plain server has neither
  await runtime.query(spec, `DROP DATABASE IF EXISTS ${DEFAULT_DATABASE}`);
  await runtime.query(spec, `DROP ROLE IF EXISTS ${TEMPLATE_ADMIN}`);
  return {
    major: opts.major,
    host: '127.0.0.1',
    port: spec.port,
    password,
    caPem,
    spec,
    query: (sql, params = [], database = 'postgres') => runtime.query(spec, sql, params, database),
    kill: async () => {
      const pid = runtime.pid(root);
      if (pid !== null) process.kill(pid, 'SIGKILL');
      // Gone means reaped (a zombie's pid still answers, and a restart refuses postmaster.pid while it
      // does) and no backend left attached to its shared memory.
      const lives = (p: number): boolean => {
        try {
          process.kill(p, 0);
          return true;
        } catch {
          return false;
        }
      };
      const deadline = Date.now() + 10_000;
      while (((pid !== null && lives(pid)) || processesUnder(paths(root).data).length > 0) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    start: () => runtime.start(spec),
    stop: () => runtime.stop(spec, 'immediate'),
  };
}
