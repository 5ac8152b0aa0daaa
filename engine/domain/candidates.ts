// Which standby a failover promotes (docs/design/ha.md §4.5): the caught-up one that received the most WAL.
// Pure: the engine reads the standbys' states and LSNs, this only decides.

export interface CandidateInput {
  node: string;
  seq: number;
  state: 'setting_up_vm' | 'syncing_data' | 'running' | 'leaving' | 'unknown';
  /** Whether it answered the LSN query. */
  answered: boolean;
  /** `pg_last_wal_receive_lsn()`: WAL the walreceiver flushed to disk. */
  receiveLsn: string | null;
  /** `pg_last_wal_replay_lsn()`. */
  replayLsn: string | null;
}

export type Choice =
  | { kind: 'promote'; node: string; receiveLsn: string }
  | { kind: 'hold'; reason: string; waitingFor: string[] }
  | { kind: 'none'; reason: string };

/** An LSN as PostgreSQL prints it (`16/B374D848`: high and low 32 bits in hex) as a 64-bit number. */
function parseLsn(lsn: string): bigint {
  const m = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i.exec(lsn);
  if (!m) throw new Error(`not an LSN: ${lsn}`);
  return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`);
}

/** Bytes of WAL from `b` to `a` (negative when `a` is behind), as `pg_wal_lsn_diff(a, b)`. */
export const lsnDiff = (a: string, b: string): bigint => parseLsn(a) - parseLsn(b);

export function compareLsn(a: string, b: string): number {
  const diff = lsnDiff(a, b);
  return diff > 0n ? 1 : diff < 0n ? -1 : 0;
}

const maxLsn = (a: string | null, b: string | null): string | null => (a === null ? b : b === null || compareLsn(a, b) >= 0 ? a : b);

/** Why a standby cannot take over, or null when it can. */
function unfit(s: CandidateInput): string | null {
  if (s.state !== 'running') return `${s.node} is ${s.state}`;
  if (!s.answered) return `${s.node} did not answer`;
  if (s.receiveLsn === null && s.replayLsn === null) return `${s.node} reported no WAL position`;
  return null;
}

/** Highest received WAL first (raised to the replayed position when lower), then highest replayed, then lowest seq. */
function better(a: CandidateInput & { received: string }, b: CandidateInput & { received: string }): number {
  return compareLsn(b.received, a.received) || compareLsn(b.replayLsn ?? '0/0', a.replayLsn ?? '0/0') || a.seq - b.seq;
}

export function chooseCandidate(standbys: CandidateInput[], syncMode: 'off' | 'quorum'): Choice {
  if (syncMode === 'quorum') {
    // a silent quorum standby may hold the only copy of an acknowledged commit: wait for it rather than lose it
    const silent = standbys.filter((s) => s.state === 'running' && !s.answered).map((s) => s.node);
    if (silent.length > 0) return { kind: 'hold', reason: `waiting for ${silent.join(', ')} to answer`, waitingFor: silent };
  }
  const eligible = standbys
    .filter((s) => unfit(s) === null)
    .map((s) => ({ ...s, received: maxLsn(s.receiveLsn, s.replayLsn) as string }))
    .sort(better);
  const best = eligible[0];
  if (best) return { kind: 'promote', node: best.node, receiveLsn: best.received };
  const why = standbys.length > 0 ? standbys.map((s) => unfit(s)).join(', ') : 'the service has no standby';
  return { kind: 'none', reason: `no standby can take over: ${why}` };
}
