// Test harness: a real engine on a temporary data directory, listening on a
// loopback port, called over HTTP with signed requests like any client.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { apiRequest, type ApiResponse, type Credentials } from '@/lib/api-v2/client';
import type { Operation } from '@/lib/schemas/operation';
import type { ServicePg } from '@/lib/schemas/service';
import { loadConfig } from '../config';
import { ensureBootstrapKey, openEngine, type Engine } from '../domain/engine';
import { stopDataPlane } from '../domain/data-plane';
import { jobKinds } from '../domain/jobs';
import { Scheduler } from '../domain/scheduler';
import { Supervisor } from '../domain/supervisor';
import { build } from '../http/app';
import type { Role } from '../store/keys';

export interface TestEngine {
  engine: Engine;
  app: FastifyInstance;
  supervisor: Supervisor;
  scheduler: Scheduler;
  dataDir: string;
  admin: Credentials;
  logs: string[];
  call<T = unknown>(method: string, path: string, body?: unknown, creds?: Credentials): Promise<ApiResponse<T>>;
  keyFor(role: Role, name?: string): Credentials;
  /** Waits until an operation leaves pending; returns it. */
  waitOperation(id: string, timeoutMs?: number): Promise<Operation>;
  /** Creates a service and waits until it runs. */
  createService(name: string, body?: Record<string, unknown>): Promise<ServicePg>;
  getService(name: string): Promise<ServicePg>;
  stop(): Promise<void>;
}

/** A new data directory; with the shared templates unless a test needs the engine to build its own (`templates: false`). */
export function makeDataDir(opts: { templates?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgdeck-test-'));
  // the unprivileged user must traverse it to reach its instance directories
  chmodSync(dir, 0o711);
  // the templates global-setup built once, linked in: a test engine runs no initdb of its own
  const shared = process.env.PGDECK_TEST_TEMPLATES;
  if (shared && opts.templates !== false) execFileSync('/bin/cp', ['-al', shared, join(dir, 'templates')]);
  return dir;
}

export async function startEngine(opts: { dataDir?: string; supervise?: boolean } = {}): Promise<TestEngine> {
  const dataDir = opts.dataDir ?? makeDataDir();
  const config = loadConfig(['--listen', '127.0.0.1:0', '--data', dataDir]);
  // Each test engine takes ports of its own range unless told otherwise, so suites never race for one.
  if (!process.env.PGDECK_PG_PORT_BASE) config.pgPortBase = 26000 + Math.floor(Math.random() * 80) * 100;
  const engine = await openEngine(config);
  ensureBootstrapKey(engine);
  const admin = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as { key: string; secret: string };
  const supervisor = new Supervisor(engine, 300);
  await supervisor.recover();
  if (opts.supervise !== false) supervisor.start();
  const scheduler = new Scheduler(engine, jobKinds);
  if (opts.supervise !== false) scheduler.start();
  const logs: string[] = [];
  const app = build(engine, { log: (l) => logs.push(l) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const baseUrl = `http://127.0.0.1:${port}/v2`;
  engine.config.publicUrl = baseUrl;
  const adminCreds = { baseUrl, ...admin };
  const call = <T>(method: string, path: string, body?: unknown, creds: Credentials = adminCreds) =>
    apiRequest<T>(creds, method, path, body);

  const t: TestEngine = {
    engine,
    app,
    supervisor,
    scheduler,
    dataDir,
    admin: adminCreds,
    logs,
    call,
    keyFor(role, name = `${role}-${Math.random().toString(36).slice(2, 8)}`) {
      return { baseUrl, ...engine.keys.create(name, role) };
    },
    async waitOperation(id, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const res = await call<Operation>('GET', `/operation/${id}`);
        if (res.status !== 200) throw new Error(`GET /operation/${id}: ${res.status} ${JSON.stringify(res.body)}`);
        if (res.body.state !== 'pending') return res.body;
        if (Date.now() > deadline) throw new Error(`operation ${id} still pending`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async createService(name, body = {}) {
      const res = await call<Operation>('POST', `/dbaas-postgres/${name}`, { plan: 'hobbyist-2', ...body });
      if (res.status !== 200) throw new Error(`create ${name}: ${res.status} ${JSON.stringify(res.body)}`);
      const op = await t.waitOperation(res.body.id);
      if (op.state !== 'success') throw new Error(`create ${name}: ${JSON.stringify(op)}`);
      return t.getService(name);
    },
    async getService(name) {
      const res = await call<ServicePg>('GET', `/dbaas-postgres/${name}`);
      if (res.status !== 200) throw new Error(`get ${name}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async stop() {
      await app.close();
      await supervisor.stop();
      scheduler.stop();
      await Promise.allSettled([...engine.inflight]);
      await stopDataPlane(engine);
      engine.db.close();
    },
  };
  return t;
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface ConnectOptions {
  user?: string;
  password?: string;
  database?: string;
  ssl?: boolean;
}

/** A client connection as a user makes it: TCP, TLS verified against the engine's CA (verify-full). */
export async function connect(t: Pick<TestEngine, 'engine'>, svc: ServicePg, opts: ConnectOptions = {}): Promise<pg.Client> {
  const params = svc['uri-params'] ?? {};
  const client = new pg.Client({
    host: params.host,
    port: Number(params.port),
    user: opts.user ?? params.user,
    password: opts.password ?? params.password,
    database: opts.database ?? params.dbname,
    ssl: opts.ssl === false ? false : { ca: t.engine.ca.cert, rejectUnauthorized: true },
    connectionTimeoutMillis: 10_000,
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Connects, runs one query, disconnects; rejects with the server's refusal. */
export async function queryAs(
  t: Pick<TestEngine, 'engine'>,
  svc: ServicePg,
  sql: string,
  opts: ConnectOptions = {},
): Promise<pg.QueryResultRow[]> {
  const client = await connect(t, svc, opts);
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}
