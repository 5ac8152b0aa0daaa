// The engine's state and machinery in one object: store, secrets, runtime,
// binaries, CA. Built once by `openEngine`, shared by the HTTP layer and CLI.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EngineConfig } from '../config';
import { installedMajors, keepBinaries, keptBinaries, pruneKept, type Binaries } from '../runtime/binaries';
import { InstanceRuntime, paths, type ConfValue, type InstanceSpec } from '../runtime/instance';
import { ServiceUsers } from '../runtime/os-users';
import { lookupUser, run, type RunAs } from '../runtime/process';
import { BouncerRuntime } from '../runtime/pgbouncer';
import { FrontRuntime, relaySource } from '../runtime/front';
import { findPgBouncer } from '../runtime/pgbouncer-binary';
import { SparePool } from '../runtime/spares';
import { archiveSettings, installArchiveScript, installRestoreScript } from '../runtime/wal-archive';
import { localConninfo, replicaConninfo, replicaFloors, REPLICATION_ROLE, syncStandbyNames } from '../runtime/standby-config';
import { removeAbandonedBuilds } from '../runtime/templates';
import { ensureCa, type Pem } from '../runtime/tls';
import { openDb, type Db } from '../store/db';
import { JobStore } from '../store/jobs';
import { KeyStore } from '../store/keys';
import { OperationStore } from '../store/operations';
import { SecretBox } from '../store/secret-box';
import { NodeStore, type NodeRecord } from '../store/nodes';
import { ServiceStore, type ServiceRecord } from '../store/services';
import { TaskStore } from '../store/tasks';
import { MetricsStore } from '../store/metrics';
import { MigrationStore } from '../store/migrations';
import { FailoverStore } from '../store/failovers';
import { LogStore } from '../store/logs';
import { ActivityStore } from '../store/activity';
import { IntegrationStore } from '../store/integrations';
import type { SettingsContext } from '../settings/context';
import { renderPgSettings } from '../settings/render';
import { ARCHIVE_TIMEOUT_SECONDS, findPlan, planSettingRules, planSettings, SHARED_BUFFERS_PERCENTAGE } from './plans';

export interface Engine {
  config: EngineConfig;
  db: Db;
  box: SecretBox;
  keys: KeyStore;
  services: ServiceStore;
  /** Every mutating request answered, and each service's settings history (issue 16). */
  activity: ActivityStore;
  nodes: NodeStore;
  operations: OperationStore;
  jobs: JobStore;
  tasks: TaskStore;
  migrations: MigrationStore;
  failovers: FailoverStore;
  integrations: IntegrationStore;
  /** Where the Prometheus listener is bound (each service's prometheus-uri); null while it does not listen. */
  prometheus: { host: string; port: number } | null;
  /** Every service's log lines (DATA/logs.db, apart from engine.db). */
  logs: LogStore;
  runtime: InstanceRuntime;
  /** The shared unprivileged user that builds templates and spares (null when the engine is not root). */
  runAs: RunAs | null;
  /** Each service's own OS user (when the engine is root). */
  osUsers: ServiceUsers;
  /** The installed binaries of each major (the engine's kept copy of them), by major: what new nodes run. */
  binaries: Map<string, Binaries>;
  /** Every version a node runs or may run, by minor version (e.g. 16.14): each node runs its recorded one. */
  kept: Map<string, Binaries>;
  /** The installed PgBouncer, run per service; null when there is none (pools then answer unsupported). */
  bouncer: BouncerRuntime | null;
  /** The failover relay, and the path of its installed script. */
  front: FrontRuntime;
  frontScript: string;
  ca: Pem;
  /** Background operations still running; awaited before the engine stops. */
  inflight: Set<Promise<void>>;
  /** Services the engine is still bringing up after it started: shown rebuilding, refused as busy. */
  recovering: Set<string>;
  /** Services whose master the supervisor is starting again: a postmaster that may yet fail to bind is not up. */
  restarting: Set<string>;
  spares: SparePool;
  /** What the settings code needs of the engine. */
  settings: SettingsContext;
  /** The last replication sample of each standby, by node name: written by the health watch, shown in node-states. */
  samples: Map<string, NodeSample>;
  /** Every service's sampled series (DATA/metrics.db, apart from engine.db): written by the metrics sampler. */
  metrics: MetricsStore;
  /** One node of a service as the runtime runs it: its directory and port, the service's settings, user and secret. */
  spec(svc: ServiceRecord, node: NodeRecord): InstanceSpec;
  /** The service's directory: its first node's files, PgBouncer's, the sockets PgBouncer listens on. */
  serviceRoot(svc: ServiceRecord): string;
  nodeRoot(svc: ServiceRecord, node: NodeRecord): string;
  /** The service's backup store: archived WAL and base backups, outside every data directory. */
  backupRoot(svc: Pick<ServiceRecord, 'id'>): string;
  /** The OS user a service's processes run as: its own when the engine is root, else the engine's. */
  serviceRunAs(svc: ServiceRecord): RunAs | null;
}

/** A standby as the health watch last saw it (docs/design/ha.md §4.1). */
export interface NodeSample {
  at: number;
  /** Bytes of WAL the master wrote that the standby has not replayed. */
  lagBytes: number;
  /** Seconds behind the master's commits (0 when it has nothing to replay). */
  lagSeconds: number;
  /** pg_stat_replication.sync_state on the master: async, quorum, potential, sync. */
  syncState: string | null;
  /** pg_stat_replication.state: streaming, catchup, startup, backup. */
  state: string;
}

/** The PostgreSQL parameters a service's nodes run with: the plan's, then the ones set through the API. */
export function serviceParameters(svc: Pick<ServiceRecord, 'plan' | 'settings'>): Record<string, ConfValue> {
  const plan = findPlan(svc.plan);
  if (!plan) throw new Error(`unknown plan ${svc.plan}`);
  return { ...planSettings(plan), ...renderPgSettings(svc.settings, plan) };
}

/** Opens the store only (for the keys command line): no binaries, no CA. */
export function openStore(dataDir: string) {
  mkdirSync(dataDir, { recursive: true, mode: 0o711 });
  const box = SecretBox.open(join(dataDir, 'secret.key'));
  const db = openDb(join(dataDir, 'engine.db'));
  const activity = new ActivityStore(db);
  return { db, box, keys: new KeyStore(db, box), activity, services: new ServiceStore(db, activity), nodes: new NodeStore(db), operations: new OperationStore(db), jobs: new JobStore(db), tasks: new TaskStore(db),
    migrations: new MigrationStore(db), failovers: new FailoverStore(db), integrations: new IntegrationStore(db) };
}

function resolveRunAs(name: string): RunAs | null {
  if (process.getuid?.() !== 0) return null;
  const user = lookupUser(name);
  if (!user) {
    throw new Error(`the engine runs as root, so PostgreSQL needs an unprivileged OS user "${name}": create it (npm run setup does) or set PGDECK_RUN_AS`);
  }
  return user;
}

export async function openEngine(config: EngineConfig): Promise<Engine> {
  // PostgreSQL's and PgBouncer's Unix sockets live in DATA/services/<uuid>/[n<seq>/]run/: a socket path holds 107 bytes
  const socketPath = join(resolve(config.dataDir), 'services', '00000000-0000-0000-0000-000000000000', 'n99', 'run', '.s.PGSQL.65535');
  if (Buffer.byteLength(socketPath) > 107) {
    throw new Error(`the data directory ${config.dataDir} is too long for Unix socket paths (${Buffer.byteLength(socketPath)} > 107 bytes below it): choose a shorter --data`);
  }
  // the data directory's path reaches shell commands (archive_command) in single quotes: plain characters only
  if (!/^[A-Za-z0-9._/-]+$/.test(resolve(config.dataDir))) {
    throw new Error(`the data directory ${config.dataDir} must be a path of letters, digits and . _ - / only`);
  }
  const runAs = resolveRunAs(config.runAsUser);
  const store = openStore(config.dataDir);
  // Traversable, not listable: the unprivileged user reaches its instance directories only.
  chmodSync(config.dataDir, 0o711);
  for (const d of ['services', 'templates', 'spares']) {
    mkdirSync(join(config.dataDir, d), { recursive: true, mode: 0o711 });
    chmodSync(join(config.dataDir, d), 0o711);
  }
  if (runAs) {
    await run('/usr/bin/test', ['-x', join(config.dataDir, 'services')], { runAs }).catch(() => {
      throw new Error(`${config.dataDir} is not reachable by the OS user ${runAs.name}: make its parent directories traversable (chmod o+x) or choose another --data`);
    });
  }
  const binaries = new Map<string, Binaries>();
  // Nodes run from the engine's own copy of their version (DATA/binaries/postgresql-<version>), so a package replaced
  // by a newer minor leaves them running, and an update can go back. A copy no node runs goes at the next start.
  const keptDir = join(config.dataDir, 'binaries');
  mkdirSync(keptDir, { recursive: true, mode: 0o711 });
  chmodSync(keptDir, 0o711);
  for (const b of installedMajors()) {
    const own = await keepBinaries(b, keptDir);
    if (runAs) await run(join(own.bin, 'postgres'), ['--version'], { runAs, timeoutMs: 10_000 });
    binaries.set(b.major, own);
    store.nodes.fillVersions(b.major, b.version);
  }
  if (!binaries.size) throw new Error('no PostgreSQL binaries found: run npm install (they come from the pg13..pg18 packages)');
  const used = new Set([...binaries.values()].map((b) => b.version).concat(store.nodes.all().map((n) => n.version)));
  for (const v of pruneKept(keptDir, used)) console.log(`removed the kept binaries of PostgreSQL ${v}: no node runs them`);
  const kept = keptBinaries(keptDir);
  const ca = await ensureCa(join(config.dataDir, 'ca'));
  // Keys and secrets are the engine's alone (older engines left some readable).
  chmodSync(join(config.dataDir, 'ca'), 0o700);
  chmodSync(join(config.dataDir, 'ca', 'ca.key'), 0o600);
  for (const f of ['credentials.json', 'console-session.key']) {
    if (existsSync(join(config.dataDir, f))) chmodSync(join(config.dataDir, f), 0o600);
  }
  const pgbouncer = await findPgBouncer();
  if (!pgbouncer) console.error('no pgbouncer found (apt-get install pgbouncer, or set PGDECK_PGBOUNCER): connection pools are unavailable');

  const serviceRoot = (svc: ServiceRecord) => join(config.dataDir, 'services', svc.id);
  const osUsers = new ServiceUsers(runAs !== null);
  const serviceRunAs = (svc: ServiceRecord): RunAs | null => {
    if (!runAs || !svc.osUser) return runAs;
    const user = osUsers.lookup(svc.osUser);
    if (!user) throw new Error(`the OS user ${svc.osUser} of service ${svc.name} does not exist`);
    return user;
  };
  const nodeRoot = (svc: ServiceRecord, node: NodeRecord) => join(serviceRoot(svc), node.dir);
  const backupRoot = (svc: Pick<ServiceRecord, 'id'>) => join(config.dataDir, 'backups', svc.id);
  const archiveScript = installArchiveScript(join(config.dataDir, 'bin'));
  const restoreScript = installRestoreScript(join(config.dataDir, 'bin'));
  const spec = (svc: ServiceRecord, node: NodeRecord): InstanceSpec => {
    // its own version; the installed minor of its major only when that copy was removed by hand
    const b = kept.get(node.version) ?? binaries.get(node.major);
    if (!b) throw new Error(`PostgreSQL ${node.version || node.major} binaries are not installed`);
    const walDir = join(backupRoot(svc), 'wal');
    // a node that streams from the master: every node but the master that has a slot (an upgrade's new cluster has none)
    const upstream = node.role === 'standby' && node.slot ? store.nodes.master(svc.name) : undefined;
    // a read replica streams from its source's master, over TLS, as its own role
    const integration = node.role === 'read-replica' ? store.integrations.replicaOf(svc.name) : undefined;
    const source = integration ? store.services.get(integration.source) : undefined;
    const sourceMaster = source ? store.nodes.master(source.name) : undefined;
    // the quorum names the standbys that run (one still copying cannot acknowledge: it would hold every commit)
    const standbys = store.nodes.standbys(svc.name).filter((n) => n.state === 'running').map((n) => n.name);
    // after a failover the relay holds the service's port and forwards from its own source address
    const master = store.nodes.master(svc.name);
    const relayed = master !== undefined && master.role === 'master' && svc.port !== 0 && master.port !== svc.port;
    const root = nodeRoot(svc, node);
    const own = serviceParameters(svc);
    return {
      root,
      port: node.port,
      listen: config.pgHost,
      binaries: b,
      // every node archives its WAL into the service's backup store, from its first start
      settings: {
        ...own,
        // a hot standby refuses to start below its upstream's figures for these
        ...(source ? replicaFloors(own, serviceParameters(source)) : {}),
        ...archiveSettings(archiveScript, walDir, ARCHIVE_TIMEOUT_SECONDS),
        // acts on the master only; the same on every node, so a promoted standby has it already
        synchronous_standby_names: syncStandbyNames(svc.syncReplication, standbys),
      },
      ...(upstream && node.slot ? {
        standby: {
          primaryConninfo: localConninfo(paths(nodeRoot(svc, upstream)).run, upstream.port, node.name),
          slot: node.slot,
          restoreCommand: `'${restoreScript}' '${walDir}' %f %p`,
        },
      } : {}),
      ...(integration && sourceMaster ? {
        standby: {
          primaryConninfo: replicaConninfo(config.pgHost, sourceMaster.port, integration.role, root, node.name),
          slot: integration.slot,
          restoreCommand: null,
        },
      } : {}),
      replicaRoles: store.integrations.replicasOf(svc.name).map((i) => i.role),
      ipFilter: relayed ? [...svc.ipFilter, relaySource(config.pgHost).cidr] : svc.ipFilter,
      runAs: serviceRunAs(svc),
      password: svc.engineSecretSealed ? store.box.unseal(svc.engineSecretSealed) : '',
      // its PgBouncer logs in as the service's users (peer, as the service's OS user)
      localRoles: [...store.services.users(svc.name).map((u) => u.username), REPLICATION_ROLE],
    };
  };
  const runtime = new InstanceRuntime(runAs);
  const bouncer = pgbouncer ? new BouncerRuntime(runtime, pgbouncer) : null;
  const front = new FrontRuntime(runtime);
  const frontScript = front.install(join(config.dataDir, 'bin'));
  await removeAbandonedBuilds(runtime, join(config.dataDir, 'templates'));
  const inflight = new Set<Promise<void>>();
  const spares = new SparePool(runtime, join(config.dataDir, 'spares'), inflight);
  spares.removeUnfinished();
  const recovering = new Set<string>();
  const metrics = MetricsStore.open(join(config.dataDir, 'metrics.db'));
  const settings: SettingsContext = {
    binaries,
    templatesDir: join(config.dataDir, 'templates'),
    runtime,
    bouncerVersion: bouncer?.version ?? null,
    planParameters: new Map(Object.entries(planSettingRules)),
    memoryDefaults: { 'shared-buffers-percentage': SHARED_BUFFERS_PERCENTAGE },
  };
  const logs = new LogStore(join(config.dataDir, 'logs.db'));
  return {
    config, ...store, logs, prometheus: null, runtime, runAs, osUsers, binaries, kept, bouncer, ca, inflight, recovering, restarting: new Set<string>(), spares, settings, samples: new Map(), front, frontScript,
    spec, serviceRoot, nodeRoot, backupRoot, serviceRunAs, metrics,
  };
}

/** On first start: an admin key, written to DIR/credentials.json (0600). */
export function ensureBootstrapKey(engine: Pick<Engine, 'keys' | 'config'>): string | null {
  const file = join(engine.config.dataDir, 'credentials.json');
  if (engine.keys.list().length > 0) return existsSync(file) ? file : null;
  const { key, secret } = engine.keys.create('bootstrap-admin', 'admin');
  writeFileSync(file, `${JSON.stringify({ key, secret }, null, 2)}\n`, { mode: 0o600 });
  return file;
}
