// A service's nodes: each a PostgreSQL instance with its own directory and
// port. The first lives in the service's own directory (as every service did
// before nodes existed); nodes added later (standbys, replicas, a new major
// during an upgrade) in n<seq>/ beside it.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ServicePg } from '@/lib/schemas/service';
import { paths } from '../runtime/instance';
import { issueServerCert, type Pem } from '../runtime/tls';
import type { NodeRecord } from '../store/nodes';
import type { ServiceRecord } from '../store/services';
import type { Engine } from './engine';
import { releasePorts } from './ports';

/** The record of a new service's first node: the master, in the service's directory. */
export function firstNode(service: string, major: string, version: string, port: number): Omit<NodeRecord, 'createdAt' | 'progress' | 'slot'> {
  return { service, name: `${service}-1`, seq: 1, dir: '', port, major, version, role: 'master', state: 'setting_up_vm' };
}

/** A node's server certificate, from the engine's CA, for every name a client reaches it by. */
export function nodeCertificate(engine: Engine): Promise<Pem> {
  return issueServerCert(engine.ca, [...new Set([engine.config.pgHost, 'localhost', '127.0.0.1', '::1'])]);
}

/** Stops a node's postmaster (`fast`: sessions end, then a checkpoint); `immediate` when fast does not work. */
export async function stopNode(engine: Engine, svc: ServiceRecord, node: NodeRecord, mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
  const spec = engine.spec(svc, node);
  await engine.runtime.stop(spec, mode).catch(() => engine.runtime.stop(spec, 'immediate'));
}

/** Stops a node and removes its files, its port claim and its record. Safe to run again. */
export async function removeNode(engine: Engine, svc: ServiceRecord, node: NodeRecord): Promise<void> {
  await stopNode(engine, svc, node);
  const root = engine.nodeRoot(svc, node);
  // the first node shares the service's directory (PgBouncer's files and sockets are there too)
  if (node.dir === '') {
    for (const p of [paths(root).data, paths(root).log, paths(root).logDir, join(root, 'copied')]) rmSync(p, { recursive: true, force: true });
  } else {
    engine.runtime.remove(root);
  }
  releasePorts(engine, [node.port]);
  engine.nodes.remove(svc.name, node.name);
}

/** A node as node-states shows it: its stored state, `unknown` when it should run and does not. */
export function nodeState(engine: Engine, svc: ServiceRecord, node: NodeRecord): NonNullable<ServicePg['node-states']>[number] {
  const up = engine.runtime.pid(engine.nodeRoot(svc, node)) !== null;
  const state = node.state === 'running' && (!up || engine.recovering.has(svc.name)) ? 'unknown' : node.state;
  const sample = node.role === 'master' ? undefined : engine.samples.get(node.name);
  return {
    name: node.name,
    state,
    role: node.role,
    ...(node.progress.length ? { 'progress-updates': node.progress } : {}),
    ...(node.role === 'master' ? {} : { 'pgdeck-port': node.port }),
    // a standby missing from the master's pg_stat_replication for a while shows no lag: it is not streaming
    ...(sample && state === 'running' && Date.now() - sample.at < 5000 ? {
      'pgdeck-lag-bytes': sample.lagBytes,
      'pgdeck-lag-seconds': sample.lagSeconds,
      ...(sample.syncState ? { 'pgdeck-sync-state': sample.syncState } : {}),
    } : {}),
  };
}
