// The API's view of a service, composed from the store and the live process.
import type { ServiceCommon, ServicePg } from '@/lib/schemas/service';
import { DEFAULT_DATABASE } from '../runtime/templates';
import type { ServiceRecord } from '../store/services';
import type { Engine } from './engine';
import { findPlan, maxConnections } from './plans';
import { poolsView } from './pools';

const GiB = 1024 ** 3;

function liveState(engine: Engine, svc: ServiceRecord) {
  const up = svc.phase !== 'creating' && !engine.recovering.has(svc.name) && engine.runtime.pid(engine.serviceRoot(svc)) !== null;
  return {
    up,
    state: (up ? 'running' : 'rebuilding') as ServiceCommon['state'],
    node: up ? 'running' : svc.phase === 'creating' ? 'setting_up_vm' : 'unknown',
  } as const;
}

export function commonView(engine: Engine, svc: ServiceRecord): ServiceCommon {
  const plan = findPlan(svc.plan);
  return {
    name: svc.name,
    type: 'pg',
    plan: svc.plan,
    version: svc.major,
    state: liveState(engine, svc).state,
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

/** `reveal` false (viewer keys) leaves every password out. */
export function serviceView(engine: Engine, svc: ServiceRecord, reveal: boolean): ServicePg {
  const plan = findPlan(svc.plan);
  const live = liveState(engine, svc);
  const users = engine.services.users(svc.name);
  const admin = users.find((u) => u.type === 'primary');
  const host = engine.config.pgHost;
  const password = reveal && admin ? engine.box.unseal(admin.passwordSealed) : undefined;
  const userInfo = encodeURIComponent(svc.adminUsername) + (password ? `:${encodeURIComponent(password)}` : '');
  const uriHost = host.includes(':') ? `[${host}]` : host;
  const uri = `postgres://${userInfo}@${uriHost}:${svc.port}/${DEFAULT_DATABASE}?sslmode=require`;
  const params: Record<string, string> = {
    host,
    port: String(svc.port),
    user: svc.adminUsername,
    ...(password ? { password } : {}),
    dbname: DEFAULT_DATABASE,
    sslmode: 'require',
  };
  return {
    ...commonView(engine, svc),
    uri,
    'uri-params': params,
    'connection-info': { uri: [uri], params: [params] },
    components: [
      { component: 'pg', host, port: svc.port, route: 'dynamic', usage: 'primary' },
      ...(svc.pgbouncerPort !== null ? [{ component: 'pgbouncer', host, port: svc.pgbouncerPort, route: 'dynamic' as const, usage: 'primary' as const }] : []),
    ],
    'node-states': [{ name: `${svc.name}-1`, state: live.node, role: 'master' }],
    databases: engine.services.databases(svc.name).map((d) => d.name),
    users: users.map((u) => ({
      type: u.type,
      username: u.username,
      ...(reveal ? { password: engine.box.unseal(u.passwordSealed) } : {}),
      'allow-replication': u.allowReplication,
    })),
    'ip-filter': svc.ipFilter,
    maintenance: { ...svc.maintenance, updates: [] },
    'backup-schedule': {
      ...(svc.backupSchedule['backup-hour'] != null ? { 'backup-hour': svc.backupSchedule['backup-hour'] } : {}),
      ...(svc.backupSchedule['backup-minute'] != null ? { 'backup-minute': svc.backupSchedule['backup-minute'] } : {}),
    },
    'max-connections': plan ? maxConnections(plan) : undefined,
    'prometheus-uri': {},
    'connection-pools': poolsView(engine, svc, reveal),
    ...svc.settings,
    backups: [],
  };
}
