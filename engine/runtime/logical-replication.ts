// The replication method of a migration (design §4.1–4.4 of docs/design/migration.md):
// a publication and a slot on the source, a subscription on the target that copies
// and then streams, progress, cut-over (caught up to a stop LSN, sequences set) and
// teardown on both sides. SQL only, over sessions the caller opens: the source as
// the migration's user, the target as the engine's superuser in the target database.
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { quoteIdent, quoteLiteral } from './sql-text';

export type Sql = <R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<R[]>;

export interface ReplicationNames {
  publication: string;
  slot: string;
  subscription: string;
}

/** pgdeck_<id12>, pgdeck_<id12>_<source db oid>, pgdeck_migrate (all [a-z0-9_], ≤ 63). */
export function replicationNames(serviceId: string, sourceDbOid: number): ReplicationNames {
  const id = serviceId.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 12);
  if (id.length === 0) throw new Error(`service id ${JSON.stringify(serviceId)} gives no name`);
  if (!Number.isSafeInteger(sourceDbOid) || sourceDbOid <= 0) throw new Error(`bad database oid ${sourceDbOid}`);
  return { publication: `pgdeck_${id}`, slot: `pgdeck_${id}_${sourceDbOid}`, subscription: 'pgdeck_migrate' };
}

// "schema"."table", each part quoted as quoteIdent does
const QUOTED_TABLE = /^"(?:[^"\0]|"")+"\."(?:[^"\0]|"")+"$/;

/** Our subscription in the target's current database (pg_subscription is shared by all of them). */
const SUBSCRIPTION = `FROM pg_subscription s
  WHERE s.subname = $1 AND s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())`;

const errorCode = (err: unknown): string | undefined => (err as { code?: string } | null)?.code;

/** The subscription's `streaming`, never the target's default (18 made it `parallel`): what the source's protocol can do. */
export function streamingFor(sourceMajor: number): 'off' | 'on' | 'parallel' {
  if (sourceMajor < 14) return 'off';
  return sourceMajor < 16 ? 'on' : 'parallel';
}

/**
 * Publication, slot (over the source session, so the engine knows it exists before anything else can fail),
 * then the subscription on the target. Idempotent: objects of these names are reused.
 */
export async function startReplication(
  source: Sql,
  target: Sql,
  opts: { names: ReplicationNames; allTables: boolean; tables: string[]; conninfo: string; sourceMajor: number },
): Promise<void> {
  const { names } = opts;
  // the conninfo lands in pg_subscription (WAL, backups): a passfile names the password, nothing holds it
  if (/(^|\s)password\s*=/i.test(opts.conninfo)) throw new Error('a subscription conninfo must not hold a password');
  const bad = opts.tables.find((t) => !QUOTED_TABLE.test(t));
  if (bad !== undefined) throw new Error(`table ${JSON.stringify(bad)} is not a quoted "schema"."table"`);
  const [version] = await target<{ v: number }>(`SELECT current_setting('server_version_num')::int AS v`);
  // decision 2: before 16 the apply workers run as the subscription's owner, the superuser
  if (!version || version.v < 160000) throw new Error('replication only into PostgreSQL 16 or later');

  const pubs = await source('SELECT 1 FROM pg_publication WHERE pubname = $1', [names.publication]);
  if (pubs.length === 0) {
    const what = opts.allTables ? 'FOR ALL TABLES' : opts.tables.length > 0 ? `FOR TABLE ${opts.tables.join(', ')}` : '';
    await source(`CREATE PUBLICATION ${quoteIdent(names.publication)} ${what}`);
  }
  const slots = await source('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [names.slot]);
  if (slots.length === 0) {
    try {
      await source(`SELECT pg_create_logical_replication_slot($1, 'pgoutput')`, [names.slot]);
    } catch (err) {
      if (errorCode(err) !== '42710') throw err; // made meanwhile (a retried step): ours by name
    }
  }
  const subs = await target(`SELECT 1 ${SUBSCRIPTION}`, [names.subscription]);
  if (subs.length > 0) return;
  await target(
    `CREATE SUBSCRIPTION ${quoteIdent(names.subscription)} CONNECTION ${quoteLiteral(opts.conninfo)} ` +
      `PUBLICATION ${quoteIdent(names.publication)} WITH (slot_name = ${quoteLiteral(names.slot)}, create_slot = false, ` +
      `copy_data = true, enabled = true, disable_on_error = true, run_as_owner = false, streaming = ${streamingFor(opts.sourceMajor)})`,
  );
}

export interface ReplicationProgress {
  tablesTotal: number;
  /** Tables in srsubstate s or r: copied and caught up. */
  tablesDone: number;
  copying: boolean;
  /** 'ok' also when the source is unreachable (not known then; lagBytes is null). */
  slot: 'ok' | 'missing' | 'lost';
  subscriptionEnabled: boolean;
  lagBytes: number | null;
  /** Bytes read so far by the table copies in flight (pg_stat_progress_copy, targets 14+). */
  bytesCopying: number | null;
}

export async function replicationProgress(source: Sql | null, target: Sql, names: ReplicationNames): Promise<ReplicationProgress> {
  const [sub] = await target<{ enabled: boolean | null; total: string; done: string; v: number; bytes: string | null }>(
    `SELECT s.subenabled AS enabled, count(r.srrelid) AS total, count(r.srrelid) FILTER (WHERE r.srsubstate IN ('s', 'r')) AS done,
       current_setting('server_version_num')::int AS v,
       (SELECT sum(p.bytes_processed) FROM pg_stat_progress_copy p JOIN pg_stat_subscription w ON w.pid = p.pid
         WHERE w.subid = s.oid) AS bytes
     FROM pg_subscription s LEFT JOIN pg_subscription_rel r ON r.srsubid = s.oid
     WHERE s.subname = $1 AND s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
     GROUP BY s.oid, s.subenabled`,
    [names.subscription],
  ).catch(async (err: unknown) => {
    // pg_stat_progress_copy is 14+; a 13 target reports table counts only
    if (errorCode(err) !== '42P01') throw err;
    return target<{ enabled: boolean; total: string; done: string; v: number; bytes: null }>(
      `SELECT s.subenabled AS enabled, (SELECT count(*) FROM pg_subscription_rel r WHERE r.srsubid = s.oid) AS total,
         (SELECT count(*) FROM pg_subscription_rel r WHERE r.srsubid = s.oid AND r.srsubstate IN ('s', 'r')) AS done,
         0 AS v, NULL AS bytes ${SUBSCRIPTION}`,
      [names.subscription],
    );
  });
  const tablesTotal = Number(sub?.total ?? 0);
  const tablesDone = Number(sub?.done ?? 0);
  const progress: ReplicationProgress = {
    tablesTotal,
    tablesDone,
    copying: tablesDone < tablesTotal,
    slot: 'ok',
    subscriptionEnabled: sub?.enabled === true,
    lagBytes: null,
    bytesCopying: sub && sub.v >= 140000 ? Number(sub.bytes ?? 0) : null,
  };
  if (source) {
    const [slot] = await source<{ wal_status: string | null; lag: string | null }>(
      `SELECT wal_status, pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::text AS lag
       FROM pg_replication_slots WHERE slot_name = $1`,
      [names.slot],
    );
    progress.slot = !slot ? 'missing' : slot.wal_status === 'lost' ? 'lost' : 'ok';
    progress.lagBytes = slot?.lag != null ? Math.max(0, Number(slot.lag)) : null;
  }
  return progress;
}

/**
 * Cut-over: wait until the target has flushed everything up to the stop LSN, copy the sequences
 * (read after the wait, so never behind the data), then tear down. `leftovers`: as teardownReplication's.
 */
export async function cutOver(
  source: Sql,
  target: Sql,
  names: ReplicationNames,
  opts: { stopLsn?: string; onStopLsn?: (lsn: string) => void; noProgressTimeoutMs?: number },
): Promise<{ stopLsn: string; waitedMs: number; sequences: number; leftovers: string[] }> {
  const behind = await target<{ n: string }>(
    `SELECT count(*) AS n FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid
     WHERE s.subname = $1 AND s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND r.srsubstate NOT IN ('s', 'r')`,
    [names.subscription],
  );
  if (Number(behind[0]?.n ?? 0) > 0) throw new Error(`${behind[0]?.n} tables are still being copied: cut-over needs every table caught up`);
  let stopLsn = opts.stopLsn;
  if (stopLsn === undefined) {
    const [row] = await source<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    stopLsn = row!.lsn;
    opts.onStopLsn?.(stopLsn);
  }
  const started = Date.now();
  await waitForFlush(source, target, names, stopLsn, opts.noProgressTimeoutMs ?? 300_000);
  const waitedMs = Date.now() - started;
  const sequences = await copySequences(source, target);
  // the target is writable from here; what the source kept is said, not thrown (a retry would find no subscription)
  const { leftovers } = await teardownReplication(source, target, names);
  return { stopLsn, waitedMs, sequences, leftovers };
}

async function waitForFlush(source: Sql, target: Sql, names: ReplicationNames, stopLsn: string, noProgressTimeoutMs: number): Promise<void> {
  let seen: string | null = null;
  let progressAt = Date.now();
  for (;;) {
    const [slot] = await source<{ flushed: string | null; reached: boolean | null; wal_status: string | null }>(
      `SELECT confirmed_flush_lsn::text AS flushed, confirmed_flush_lsn >= $2::pg_lsn AS reached, wal_status
       FROM pg_replication_slots WHERE slot_name = $1`,
      [names.slot, stopLsn],
    );
    if (!slot) throw new Error(`replication slot ${names.slot} is missing on the source`);
    if (slot.wal_status === 'lost') throw new Error(`replication slot ${names.slot} lost WAL the target had not received`);
    if (slot.reached) return;
    if (slot.flushed !== seen) {
      seen = slot.flushed;
      progressAt = Date.now();
    }
    const [sub] = await target<{ enabled: boolean }>(`SELECT s.subenabled AS enabled ${SUBSCRIPTION}`, [names.subscription]);
    if (!sub) throw new Error(`subscription ${names.subscription} is missing on the target`);
    if (!sub.enabled) throw new Error(`subscription ${names.subscription} was disabled by an apply error`);
    if (Date.now() - progressAt > noProgressTimeoutMs) {
      throw new Error(`the target confirmed nothing past ${seen ?? 'nothing'} for ${Math.round(noProgressTimeoutMs / 1000)} s (stop LSN ${stopLsn})`);
    }
    await sleep(100);
  }
}

/** Every sequence's last_value/is_called, source to target; answers how many were set (ones the target lacks are skipped). */
async function copySequences(source: Sql, target: Sql): Promise<number> {
  const seqs = await source<{ schemaname: string; sequencename: string }>('SELECT schemaname, sequencename FROM pg_sequences ORDER BY 1, 2');
  const values: { s: string; n: string; v: string; c: boolean }[] = [];
  for (let i = 0; i < seqs.length; i += 200) {
    const chunk = seqs.slice(i, i + 200);
    const sql = chunk
      .map((q, j) => `SELECT ${i + j} AS i, last_value::text AS v, is_called AS c FROM ${quoteIdent(q.schemaname)}.${quoteIdent(q.sequencename)}`)
      .join(' UNION ALL ');
    for (const row of await source<{ i: number; v: string; c: boolean }>(sql)) {
      const q = seqs[row.i]!;
      values.push({ s: q.schemaname, n: q.sequencename, v: row.v, c: row.c });
    }
  }
  if (values.length === 0) return 0;
  const [set] = await target<{ n: string }>(
    `SELECT count(setval(to_regclass(format('%I.%I', s, n)), v, c)) AS n
     FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bool[]) AS t(s, n, v, c)
     WHERE to_regclass(format('%I.%I', s, n)) IS NOT NULL`,
    [values.map((x) => x.s), values.map((x) => x.n), values.map((x) => x.v), values.map((x) => x.c)],
  );
  return Number(set?.n ?? 0);
}

const dropSlotSql = (slot: string): string => `SELECT pg_drop_replication_slot(${quoteLiteral(slot)});`;
const syncSlotPattern = (subOid: number): string => `pg\\_${subOid}\\_sync\\_%`;

/**
 * Target: DISABLE, SET (slot_name = NONE), DROP SUBSCRIPTION (works with the source gone).
 * Source (when given): our slot (retried while active, ≤ 10 s), the table-sync slots of our
 * subscription (14+; 13's are temporary), the publication. Answers what could not be dropped,
 * each as the SQL to run by hand on the source database.
 */
export async function teardownReplication(source: Sql | null, target: Sql, names: ReplicationNames, subOid?: number): Promise<{ leftovers: string[] }> {
  const [sub] = await target<{ oid: number; unready: string }>(
    `SELECT s.oid, (SELECT count(*) FROM pg_subscription_rel r WHERE r.srsubid = s.oid AND r.srsubstate <> 'r') AS unready ${SUBSCRIPTION}`,
    [names.subscription],
  );
  const oid = sub ? Number(sub.oid) : subOid;
  if (sub) {
    const name = quoteIdent(names.subscription);
    await target(`ALTER SUBSCRIPTION ${name} DISABLE`);
    await target(`ALTER SUBSCRIPTION ${name} SET (slot_name = NONE)`);
    await target(`DROP SUBSCRIPTION ${name}`);
  }
  const dropPublication = `DROP PUBLICATION IF EXISTS ${quoteIdent(names.publication)};`;
  if (!source) {
    const leftovers = [dropSlotSql(names.slot)];
    // a table still copying has a slot of its own on a 14+ source
    if (oid !== undefined && (!sub || Number(sub.unready) > 0)) {
      leftovers.push(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE ${quoteLiteral(syncSlotPattern(oid))};`);
    }
    return { leftovers: [...leftovers, dropPublication] };
  }
  const leftovers: string[] = [];
  const deadline = Date.now() + 10_000;
  const slots = [names.slot];
  try {
    if (oid !== undefined) {
      const sync = await source<{ slot_name: string }>(
        'SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE $1 AND database = current_database()',
        [syncSlotPattern(oid)],
      );
      slots.push(...sync.map((s) => s.slot_name));
    }
  } catch {
    leftovers.push(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE ${quoteLiteral(syncSlotPattern(oid!))};`);
  }
  for (const slot of slots) {
    const dropped = await dropSlot(source, slot, deadline).catch(() => false);
    if (!dropped) leftovers.push(dropSlotSql(slot));
  }
  await source(dropPublication).catch(() => leftovers.push(dropPublication));
  return { leftovers };
}

/** Drops a slot, retried while a walsender still holds it (ours ends with the subscription's workers). */
async function dropSlot(source: Sql, slot: string, deadline: number): Promise<boolean> {
  const started = Date.now();
  for (;;) {
    const [row] = await source<{ active_pid: number | null }>('SELECT active_pid FROM pg_replication_slots WHERE slot_name = $1', [slot]);
    if (!row) return true;
    try {
      await source('SELECT pg_drop_replication_slot($1)', [slot]);
      return true;
    } catch (err) {
      if (errorCode(err) === '42704') return true;
      if (errorCode(err) !== '55006' || Date.now() > deadline) return false;
    }
    // a walsender that outlived its subscriber (a half-open connection) holds the slot until its timeout
    if (row.active_pid !== null && Date.now() - started > 3000) {
      await source('SELECT pg_terminate_backend($1)', [row.active_pid]).catch(() => undefined);
    }
    await sleep(200);
  }
}

// "%m [%p] %q%u@%d ": a background worker's lines stop after the pid
const ENTRY = /\[(\d+)\] (?:\S*@\S* )?(ERROR|FATAL|PANIC|WARNING|LOG|DETAIL|HINT|CONTEXT|STATEMENT):\s+(.*)$/;
const WORKER = /^logical replication (?:apply|table synchronization|parallel apply|tablesync) worker/;

/** The last `logical replication` ERROR of a postgres log text (why disable_on_error disabled the subscription). */
export function lastApplyError(logText: string): string | null {
  const workers = new Set<string>();
  let last: string | null = null;
  let error: { pid: string; text: string } | null = null;
  for (const line of logText.split('\n')) {
    const m = ENTRY.exec(line);
    if (!m) continue;
    const [, pid = '', severity, text = ''] = m;
    if (severity === 'LOG' && WORKER.test(text)) workers.add(pid);
    if (severity === 'ERROR') {
      error = { pid, text: text.trim() };
      if (workers.has(pid) || /logical replication/.test(text)) last = error.text;
    } else if (severity === 'CONTEXT' && error?.pid === pid && /replication origin|logical replication/.test(text)) {
      last = error.text;
    } else if (severity !== 'DETAIL' && severity !== 'HINT' && severity !== 'CONTEXT') {
      error = null;
    }
  }
  return last;
}
