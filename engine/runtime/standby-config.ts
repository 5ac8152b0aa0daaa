// What makes a node a standby: the recovery settings in its postgresql.conf
// (its upstream, the physical slot it streams from, the archive it falls back
// on) and standby.signal, which InstanceRuntime.writeConfig writes with them.
// A node is only ever started without them when the store records it as the
// master (docs/design/ha.md §4.7).
import { join } from 'node:path';
import { conninfo } from './sql-text';

/**
 * The role standbys stream (and pg_rewind reads) with: LOGIN REPLICATION, no password. Only peer authentication
 * over the service's private socket reaches it, as the service's own OS user, which owns the data anyway.
 */
export const REPLICATION_ROLE = 'pgdeck_replication';

export interface StandbySpec {
  /** primary_conninfo: where the standby streams from. */
  primaryConninfo: string;
  /** primary_slot_name: the physical slot on the upstream that keeps the WAL this standby still needs. */
  slot: string;
  /** restore_command: WAL from the service's archive when the upstream no longer has it; null for none. */
  restoreCommand: string | null;
}

/** The physical slot a node of a service streams from: one per node, named by its sequence number. */
export const slotName = (seq: number): string => `pgdeck_node_${seq}`;

/** A standby of the same service: over the upstream's Unix socket, as the replication role (peer). */
export function localConninfo(upstreamRunDir: string, upstreamPort: number, applicationName: string): string {
  return conninfo([
    ['host', upstreamRunDir],
    ['port', String(upstreamPort)],
    ['user', REPLICATION_ROLE],
    ['dbname', 'postgres'],
    ['application_name', applicationName],
    ['connect_timeout', '2'],
  ]);
}

/** The recovery settings of a standby. primary_conninfo and primary_slot_name reload without a restart (13+). */
export function standbySettings(s: StandbySpec): Record<string, string | boolean> {
  return {
    primary_conninfo: s.primaryConninfo,
    primary_slot_name: s.slot,
    ...(s.restoreCommand ? { restore_command: s.restoreCommand } : {}),
  };
}

/**
 * synchronous_standby_names: with quorum, a commit waits until any one of the service's standbys has flushed it
 * (`ANY 1`); a standby that is down simply cannot be the one. Empty: asynchronous.
 */
export function syncStandbyNames(mode: 'off' | 'quorum', standbys: string[]): string {
  if (mode === 'off' || standbys.length === 0) return '';
  return `ANY 1 (${standbys.map((n) => `"${n.replaceAll('"', '""')}"`).join(', ')})`;
}

/** Files beside a read replica's node: the password of its role on the source, and the CA that signed the source's certificate. */
export const replicaFiles = (nodeRoot: string) => ({ passfile: join(nodeRoot, 'replication.pgpass'), ca: join(nodeRoot, 'ca.pem') });

/**
 * A read replica's upstream: the source's master over TCP and TLS verified against the engine's CA, as the
 * replica's own role, its password in a passfile (never in postgresql.conf, a catalog or a command line).
 */
export function replicaConninfo(host: string, port: number, role: string, nodeRoot: string, applicationName: string): string {
  const files = replicaFiles(nodeRoot);
  return conninfo([
    ['host', host],
    ['port', String(port)],
    ['user', role],
    ['passfile', files.passfile],
    ['sslmode', 'verify-full'],
    ['sslrootcert', files.ca],
    ['application_name', applicationName],
    ['connect_timeout', '2'],
  ]);
}

/** Parameters a hot standby must hold at least as high as its upstream, else it refuses to start. */
const FLOORED = ['max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions', 'max_locks_per_transaction'];

/** The replica's own figures, raised to its source's where the source's are higher. */
export function replicaFloors(own: Record<string, string | number | boolean>, source: Record<string, string | number | boolean>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of FLOORED) {
    const a = Number(own[k]);
    const b = Number(source[k]);
    if (Number.isFinite(b) && (!Number.isFinite(a) || b > a)) out[k] = b;
  }
  return out;
}
