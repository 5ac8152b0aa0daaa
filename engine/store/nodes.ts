// Nodes: the PostgreSQL instances a service owns. A service's first node lives
// in the service's own directory (dir ''); nodes added later in n<seq>/.
import type { Db } from './db';
import { now } from './db';

export type NodeRole = 'master' | 'standby' | 'read-replica';
/** The public node-states enum. */
export type NodeState = 'setting_up_vm' | 'syncing_data' | 'running' | 'leaving' | 'unknown';

export interface ProgressUpdate {
  phase: 'prepare' | 'basebackup' | 'stream' | 'finalize';
  completed: boolean;
  current?: number;
  min?: number;
  max?: number;
  unit?: string;
}

export interface NodeRecord {
  service: string;
  /** As node-states shows it: <service>-<seq>. */
  name: string;
  seq: number;
  /** Its directory (data/, run/, postgres.log), relative to the service's. */
  dir: string;
  port: number;
  major: string;
  /** The minor version it runs (e.g. 16.14): its binaries, until maintenance or an upgrade moves it. */
  version: string;
  role: NodeRole;
  state: NodeState;
  progress: ProgressUpdate[];
  /**
   * The physical replication slot on the master this node streams from (pgdeck_node_<seq>): set on every standby
   * that follows the master; null on the master and on a node that does not stream (an upgrade's new cluster).
   */
  slot: string | null;
  createdAt: string;
}

interface NodeRow {
  service: string; name: string; seq: number; dir: string; port: number; major: string; version: string | null; role: NodeRole;
  state: NodeState; progress: string; slot: string | null; created_at: string;
}

const toNode = (r: NodeRow): NodeRecord => ({
  service: r.service, name: r.name, seq: r.seq, dir: r.dir, port: r.port, major: r.major, version: r.version ?? '', role: r.role, state: r.state,
  progress: JSON.parse(r.progress) as ProgressUpdate[], slot: r.slot, createdAt: r.created_at,
});

export class NodeStore {
  constructor(private readonly db: Db) {}

  list(service: string): NodeRecord[] {
    return (this.db.prepare('SELECT * FROM nodes WHERE service = ? ORDER BY seq').all(service) as NodeRow[]).map(toNode);
  }

  all(): NodeRecord[] {
    return (this.db.prepare('SELECT * FROM nodes ORDER BY service, seq').all() as NodeRow[]).map(toNode);
  }

  get(service: string, name: string): NodeRecord | undefined {
    const row = this.db.prepare('SELECT * FROM nodes WHERE service = ? AND name = ?').get(service, name) as NodeRow | undefined;
    return row && toNode(row);
  }

  /**
   * The service's master; every service has exactly one while it exists. A read replica's one node (role
   * read-replica) stands in for it: its URI, its PgBouncer and the engine's SQL (reads only) point there.
   */
  master(service: string): NodeRecord | undefined {
    const row = this.db.prepare("SELECT * FROM nodes WHERE service = ? AND role IN ('master', 'read-replica') ORDER BY role = 'master' DESC, seq LIMIT 1").get(service) as NodeRow | undefined;
    return row && toNode(row);
  }

  ports(): number[] {
    return (this.db.prepare('SELECT port FROM nodes').all() as { port: number }[]).map((r) => r.port);
  }

  /** The next free sequence number of a service's nodes. */
  nextSeq(service: string): number {
    const row = this.db.prepare('SELECT MAX(seq) AS seq FROM nodes WHERE service = ?').get(service) as { seq: number | null };
    return (row.seq ?? 0) + 1;
  }

  insert(n: Omit<NodeRecord, 'createdAt' | 'progress' | 'slot'> & { slot?: string | null }): void {
    this.db.prepare('INSERT INTO nodes (service, name, seq, dir, port, major, version, role, state, slot, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(n.service, n.name, n.seq, n.dir, n.port, n.major, n.version, n.role, n.state, n.slot ?? null, now());
  }

  /** Nodes made before versions were recorded run the installed version of their major. */
  fillVersions(major: string, version: string): void {
    this.db.prepare('UPDATE nodes SET version = ? WHERE major = ? AND version IS NULL').run(version, major);
  }

  update(service: string, name: string, patch: Partial<Pick<NodeRecord, 'port' | 'role' | 'state' | 'progress' | 'major' | 'version' | 'slot'>>): void {
    const cols: Record<string, unknown> = {};
    if (patch.slot !== undefined) cols.slot = patch.slot;
    if (patch.port !== undefined) cols.port = patch.port;
    if (patch.role !== undefined) cols.role = patch.role;
    if (patch.state !== undefined) cols.state = patch.state;
    if (patch.major !== undefined) cols.major = patch.major;
    if (patch.version !== undefined) cols.version = patch.version;
    if (patch.progress !== undefined) cols.progress = JSON.stringify(patch.progress);
    const keys = Object.keys(cols);
    if (!keys.length) return;
    this.db.prepare(`UPDATE nodes SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE service = ? AND name = ?`)
      .run(...keys.map((k) => cols[k]), service, name);
  }

  /** The service's standbys that stream from its master, oldest first. */
  standbys(service: string): NodeRecord[] {
    return this.list(service).filter((n) => n.role === 'standby' && n.slot !== null);
  }

  remove(service: string, name: string): void {
    this.db.prepare('DELETE FROM nodes WHERE service = ? AND name = ?').run(service, name);
  }
}
