// The API's view of a service, composed from the store and the live process.
import type { ServiceCommon, ServicePg } from '@/lib/schemas/service';
import { DEFAULT_DATABASE } from '../runtime/templates';
import type { ServiceRecord } from '../store/services';
import type { Engine } from './engine';
import { findPlan, maxConnections } from './plans';
import { listBackups, recoveryWindow } from './backups';
import type { UpdateView } from './maintenance-updates';
import { failoversView } from './failover';
import { integrationView } from './replicas';
import { nodeState } from './nodes';
import { poolsView } from './pools';

const GiB = 1024 ** 3;

/** Running when the master is up and the engine has brought the service up; rebuilding otherwise. */
function serviceState(engine: Engine, svc: ServiceRecord): ServiceCommon['state'] {
  const master = engine.nodes.master(svc.name);
  const up = svc.phase !== 'creating' && !engine.recovering.has(svc.name) && !engine.restarting.has(svc.name) && master !== undefined
    && engine.runtime.pid(engine.nodeRoot(svc, master)) !== null;
  return up ? 'running' : 'rebuilding';
}

export function commonView(engine: Engine, svc: ServiceRecord): ServiceCommon {
  const plan = findPlan(svc.plan);
  return {
    name: svc.name,
    type: 'pg',
    plan: svc.plan,
    version: svc.major,
    state: serviceState(engine, svc),
    zone: engine.config.zone,
    'node-count': plan?.nodeCount ?? 1,
    'node-cpu-count': plan?.cpus ?? 1,
    'node-memory': (plan?.memoryGiB ?? 0) * GiB,
    'disk-size': (plan?.diskGiB ?? 0) * GiB,
    'termination-protection': svc.terminationProtection,
    notifications: engine.services.notifications(svc.name).map((n) => ({
      level: n.level,
      type: n.type,
      message: n.message,
      metadata: { ...n.metadata, time: n.createdAt },
    })),
    'created-at': svc.createdAt,
    'updated-at': svc.updatedAt,
  };
}

/** `reveal` false (viewer keys) leaves every password out; `updates`: what maintenance would apply (maintenance-updates.ts). */
export function serviceView(engine: Engine, svc: ServiceRecord, reveal: boolean, updates: UpdateView[] = []): ServicePg {
  const plan = findPlan(svc.plan);
  const window = recoveryWindow(engine, svc);
  const failovers = failoversView(engine, svc);
  const users = engine.services.users(svc.name);
  const admin = users.find((u) => u.type === 'primary');
  const host = engine.config.pgHost;
  const password = reveal && admin ? engine.box.unseal(admin.passwordSealed) : undefined;
  const userInfo = encodeURIComponent(svc.adminUsername) + (password ? `:${encodeURIComponent(password)}` : '');
  const uriHost = host.includes(':') ? `[${host}]` : host;
  // the service's own address: the master's port, or after a failover the relay's in front of the new master
  const port = svc.port;
  const uri = `postgres://${userInfo}@${uriHost}:${port}/${DEFAULT_DATABASE}?sslmode=require`;
  const params: Record<string, string> = {
    host,
    port: String(port),
    user: svc.adminUsername,
    ...(password ? { password } : {}),
    dbname: DEFAULT_DATABASE,
    sslmode: 'require',
  };
  // read-only URIs: each standby's own port (PostgreSQL refuses writes there), the same user and password
  const standbys = engine.nodes.standbys(svc.name);
  const standbyUri = (p: number) => `postgres://${userInfo}@${uriHost}:${p}/${DEFAULT_DATABASE}?sslmode=require`;
  const running = standbys.filter((n) => nodeState(engine, svc, n).state === 'running');
  const syncing = standbys.filter((n) => n.state === 'syncing_data' || n.state === 'setting_up_vm');
  return {
    ...commonView(engine, svc),
    uri,
    'uri-params': params,
    'connection-info': {
      uri: [uri],
      params: [params],
      ...(standbys.length ? { standby: running.map((n) => standbyUri(n.port)), syncing: syncing.map((n) => standbyUri(n.port)) } : {}),
    },
    components: [
      { component: 'pg', host, port, route: 'dynamic', usage: 'primary' },
      ...running.map((n) => ({ component: 'pg', host, port: n.port, route: 'dynamic' as const, usage: 'replica' as const })),
      ...(svc.pgbouncerPort !== null ? [{ component: 'pgbouncer', host, port: svc.pgbouncerPort, route: 'dynamic' as const, usage: 'primary' as const }] : []),
    ],
    'node-states': engine.nodes.list(svc.name).map((node) => nodeState(engine, svc, node)),
    databases: engine.services.databases(svc.name).map((d) => d.name),
    users: users.map((u) => ({
      type: u.type,
      username: u.username,
      ...(reveal ? { password: engine.box.unseal(u.passwordSealed) } : {}),
      'allow-replication': u.allowReplication,
    })),
    'ip-filter': svc.ipFilter,
    maintenance: { ...svc.maintenance, updates },
    'backup-schedule': {
      ...(svc.backupSchedule['backup-hour'] != null ? { 'backup-hour': svc.backupSchedule['backup-hour'] } : {}),
      ...(svc.backupSchedule['backup-minute'] != null ? { 'backup-minute': svc.backupSchedule['backup-minute'] } : {}),
    },
    'max-connections': plan ? maxConnections(plan) : undefined,
    'prometheus-uri': engine.prometheus ? { ...engine.prometheus } : {},
    'connection-pools': poolsView(engine, svc, reveal),
    ...svc.settings,
    backups: listBackups(engine, svc).reverse().map((b) => ({ 'backup-name': b.name, 'backup-time': b.finishedAt, 'data-size': b.dataSize })),
    ...(window ? { 'pgdeck-recovery-window': { earliest: window.earliest.toISOString(), latest: window.latest.toISOString() } } : {}),
    'synchronous-replication': svc.syncReplication,
    integrations: engine.integrations.forService(svc.name).map(integrationView),
    ...(failovers.length ? { 'pgdeck-failovers': failovers } : {}),
  };
}
