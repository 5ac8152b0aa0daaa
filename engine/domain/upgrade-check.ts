// The pre-check of a major upgrade: every blocker found before anything
// changes. POST /v2/dbaas-postgres/{service}/upgrade-check answers it as a
// dbaas-task; PUT /v2/dbaas-postgres/{name} with `version` runs it first.
// Three sources: what the engine knows (versions, binaries, tools, settings),
// SQL on every database of the live master (extensions and their update
// paths, reg* columns, prepared transactions, postfix operators), and, where
// the target has a pg_upgrade, `pg_upgrade --check` itself against the live
// cluster and a scratch cluster of the target.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '@/lib/api-v2/errors';
import type { ServiceSettings } from '@/lib/schemas/settings';
import type { Binaries } from '../runtime/binaries';
import { paths } from '../runtime/instance';
import { initNewCluster, pgUpgrade } from '../runtime/pg-upgrade';
import { upgradePath } from '../runtime/upgrade-tools';
import { checkSettings } from '../settings/service-settings';
import type { ServiceRecord } from '../store/services';
import type { TaskRecord } from '../store/tasks';
import type { Engine } from './engine';
import { blockers, describeFindings, resultCodes, runCheckTask, type Finding } from './findings';
import { masterSpec, requireService } from './lookup';

export type UpgradeMethod = 'pg_upgrade' | 'dump';

/** What an upgrade to `target` would use, once the static checks pass. */
export interface UpgradePlan {
  from: string;
  target: string;
  method: UpgradeMethod;
  /** The tools' directory: the target's pg_upgrade and its own server binaries, or pg_dump for the logical path. */
  toolsBin: string;
  /** The binaries the upgraded node runs on (the engine's own for the target major). */
  binaries: Binaries;
  /** The service's settings with the keys the target lacks dropped. */
  settings: ServiceSettings;
  dropped: string[];
}

type Values = Record<string, unknown>;
const isGroup = (v: unknown): v is Values => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Each pg-settings key as its path (a group's keys under the group). */
const leaves = (values: Values, at: string[] = []): string[][] =>
  Object.entries(values).flatMap(([k, v]) => (isGroup(v) ? leaves(v, [...at, k]) : [[...at, k]]));

/** Only the key at `path`, nested as in `values`. */
const pick = (values: Values, path: string[]): Values => {
  const [head, ...rest] = path as [string, ...string[]];
  return { [head]: rest.length ? pick(values[head] as Values, rest) : values[head] };
};

const mergeInto = (into: Values, add: Values): Values => {
  for (const [k, v] of Object.entries(add)) into[k] = isGroup(v) && isGroup(into[k]) ? mergeInto(into[k] as Values, v) : v;
  return into;
};

/** The stored settings the target accepts, and the pg-settings keys it does not (dropped by the upgrade). */
async function settingsFor(engine: Engine, svc: ServiceRecord, target: string): Promise<{ settings: ServiceSettings; dropped: string[] }> {
  const pg = svc.settings['pg-settings'] as Values | undefined;
  if (!pg) return { settings: svc.settings, dropped: [] };
  const dropped: string[] = [];
  const kept: Values = {};
  for (const path of leaves(pg)) {
    const single = pick(pg, path);
    try {
      await checkSettings(engine.settings, target, { 'pg-settings': single as ServiceSettings['pg-settings'] });
      mergeInto(kept, single);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      dropped.push(path.join('.'));
    }
  }
  const settings: ServiceSettings = { ...svc.settings };
  if (Object.keys(kept).length) settings['pg-settings'] = kept as ServiceSettings['pg-settings'];
  else delete settings['pg-settings'];
  return { settings, dropped };
}

/**
 * The checks that need no database: the target newer and installed, a path
 * for the pair, the service running. Findings stop here when they block.
 */
export async function planUpgrade(engine: Engine, svc: ServiceRecord, target: string): Promise<{ findings: Finding[]; plan: UpgradePlan | null }> {
  const from = svc.major;
  if (Number(target) <= Number(from)) {
    return { findings: [{ code: 'target-not-newer', detail: `the service runs PostgreSQL ${from}; ${target} is not newer (a downgrade is not possible)` }], plan: null };
  }
  const binaries = engine.binaries.get(target);
  if (!binaries) {
    return { findings: [{ code: 'target-not-installed', detail: `PostgreSQL ${target} is not installed on this engine; installed: ${[...engine.binaries.keys()].join(', ')}` }], plan: null };
  }
  const path = upgradePath(from, target);
  if (path.method === null) return { findings: [{ code: 'upgrade-tools-missing', detail: path.reason }], plan: null };
  const master = engine.nodes.master(svc.name);
  // 'updating' too: the upgrade itself runs this check again first
  if (svc.phase === 'creating' || svc.phase === 'deleting' || !master || engine.runtime.pid(engine.nodeRoot(svc, master)) === null) {
    return { findings: [{ code: 'service-not-running', detail: `service ${svc.name} is not running; the check reads its databases` }], plan: null };
  }
  const { settings, dropped } = await settingsFor(engine, svc, target);
  const findings: Finding[] = dropped.map((key) => ({
    code: 'setting-dropped', notice: true, detail: `pg-settings.${key} is not accepted by PostgreSQL ${target}; the upgrade drops it`,
  }));
  return { findings, plan: { from, target, method: path.method, toolsBin: path.bindir, binaries, settings, dropped } };
}

/** An extension's default version and the update scripts the target ships (from its control and SQL files). */
function extensionInfo(extDir: string, name: string): { defaultVersion: string; edges: Map<string, string[]> } | null {
  const control = join(extDir, `${name}.control`);
  if (!existsSync(control)) return null;
  const defaultVersion = /^\s*default_version\s*=\s*'([^']*)'/m.exec(readFileSync(control, 'utf8'))?.[1] ?? '';
  const edges = new Map<string, string[]>();
  const prefix = `${name}--`;
  for (const f of readdirSync(extDir)) {
    if (!f.startsWith(prefix) || !f.endsWith('.sql')) continue;
    const [a, b] = f.slice(prefix.length, -4).split('--');
    if (a && b) edges.set(a, [...(edges.get(a) ?? []), b]);
  }
  return { defaultVersion, edges };
}

/** Whether ALTER EXTENSION ... UPDATE can go from `from` to `to` through the target's scripts. */
function hasUpdatePath(edges: Map<string, string[]>, from: string, to: string): boolean {
  const seen = new Set([from]);
  for (const queue = [from]; queue.length;) {
    const v = queue.shift() as string;
    if (v === to) return true;
    for (const n of edges.get(v) ?? []) {
      if (seen.has(n)) continue;
      seen.add(n);
      queue.push(n);
    }
  }
  return false;
}

/** reg* types whose OIDs pg_upgrade cannot carry over (regclass, regrole and regtype it can). */
const REG_TYPES = ['regcollation', 'regconfig', 'regdictionary', 'regnamespace', 'regoper', 'regoperator', 'regproc', 'regprocedure'];

/** SQL on every database of the live master. */
async function databaseFindings(engine: Engine, svc: ServiceRecord, plan: UpgradePlan): Promise<Finding[]> {
  const spec = masterSpec(engine, svc);
  const q = <R extends Record<string, unknown>>(sql: string, db = 'postgres', params: unknown[] = []) => engine.runtime.query<R>(spec, sql, params, db);
  const findings: Finding[] = [];
  for (const r of await q<{ database: string; gid: string }>('SELECT database, gid FROM pg_prepared_xacts ORDER BY 1, 2')) {
    findings.push({ code: 'prepared-transactions', dbname: r.database, detail: `prepared transaction ${r.gid} is open: COMMIT PREPARED or ROLLBACK PREPARED it` });
  }
  const extDir = join(plan.binaries.bin, '..', 'share', 'postgresql', 'extension');
  const dbs = await q<{ datname: string }>("SELECT datname FROM pg_database WHERE datallowconn AND datname <> 'template0' ORDER BY 1");
  for (const { datname } of dbs) {
    for (const e of await q<{ extname: string; extversion: string }>('SELECT extname, extversion FROM pg_extension ORDER BY 1', datname)) {
      const info = extensionInfo(extDir, e.extname);
      if (!info) {
        findings.push({ code: 'extension-not-available', dbname: datname, detail: `extension ${e.extname} ${e.extversion} is not available in PostgreSQL ${plan.target}: drop it (DROP EXTENSION ${e.extname})` });
      } else if (e.extversion !== info.defaultVersion && !hasUpdatePath(info.edges, e.extversion, info.defaultVersion)) {
        findings.push({ code: 'extension-no-update-path', dbname: datname, detail: `extension ${e.extname} ${e.extversion} has no update path to ${info.defaultVersion} in PostgreSQL ${plan.target}: update it first (ALTER EXTENSION ${e.extname} UPDATE) or drop it` });
      }
    }
    if (plan.method === 'pg_upgrade') {
      const cols = await q<{ col: string; typ: string }>(
        `SELECT format('%I.%I.%I', n.nspname, c.relname, a.attname) AS col, t.typname AS typ
           FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_type t ON t.oid = a.atttypid
          WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'm', 'p')
            AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
            AND (t.typname = ANY($1) OR (t.typelem <> 0 AND t.typelem IN (SELECT oid FROM pg_type WHERE typname = ANY($1))))
          ORDER BY 1`, datname, [REG_TYPES]);
      for (const c of cols) findings.push({ code: 'reg-type-columns', dbname: datname, detail: `column ${c.col} is of type ${c.typ}, whose OIDs do not survive an upgrade: change it to text or oid` });
    }
    if (Number(plan.from) < 14) {
      for (const o of await q<{ op: string }>("SELECT format('%s.%s', oprnamespace::regnamespace, oprname) AS op FROM pg_operator WHERE oprright = 0 AND oid >= 16384 ORDER BY 1", datname)) {
        findings.push({ code: 'postfix-operators', dbname: datname, detail: `postfix operator ${o.op}: PostgreSQL 14 and later have none; drop it` });
      }
    }
  }
  return findings;
}

/** pg_upgrade's own check names, by the stable code the API answers. */
function codeOf(check: string): string {
  if (/reg\*/i.test(check)) return 'reg-type-columns';
  if (/prepared transactions/i.test(check)) return 'prepared-transactions';
  if (/postfix operators/i.test(check)) return 'postfix-operators';
  if (/polymorphic/i.test(check)) return 'incompatible-polymorphics';
  if (/encoding conversion/i.test(check)) return 'user-encoding-conversions';
  if (/librar/i.test(check)) return 'extension-not-available';
  if (/data type|aclitem|sql_identifier|abstime|jsonb|"unknown"/i.test(check)) return 'changed-data-type';
  return 'pg-upgrade-check';
}

/** The scratch cluster's port: it names a socket in its own directory only (pg_upgrade starts it with no TCP), and must differ from the live one's. */
const scratchPort = (live: number): number => (live < 65535 ? live + 1 : live - 1);

/** `pg_upgrade --check` against the live cluster and a scratch cluster of the target, made and removed here. */
async function pgUpgradeFindings(engine: Engine, svc: ServiceRecord, plan: UpgradePlan): Promise<Finding[]> {
  const spec = masterSpec(engine, svc);
  const scratch = join(engine.serviceRoot(svc), 'upgrade-check');
  rmSync(scratch, { recursive: true, force: true });
  engine.runtime.ownedDir(scratch, spec.runAs);
  try {
    await initNewCluster(scratch, plan.toolsBin, spec.runAs, spec.password);
    const res = await pgUpgrade({
      oldData: paths(spec.root).data, oldBin: spec.binaries.bin, newData: paths(scratch).data, newBin: plan.toolsBin,
      oldPort: spec.port, newPort: scratchPort(spec.port), runAs: spec.runAs, password: spec.password, workDir: scratch, mode: 'check', live: true,
    });
    if (res.ok) return [];
    const found = res.problems.flatMap((p) => (p.dbnames.length ? p.dbnames : [undefined]).map((dbname) => ({
      code: codeOf(p.check), ...(dbname ? { dbname } : {}), detail: `${p.check}: ${p.detail}`.trim(),
    })));
    return found.length ? found : [{ code: 'pg-upgrade-check', detail: res.output.trim().split('\n').slice(-5).join(' | ') }];
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Every finding for an upgrade to `target`, and the plan when nothing blocks it. */
export async function checkUpgrade(engine: Engine, svc: ServiceRecord, target: string): Promise<{ findings: Finding[]; plan: UpgradePlan | null }> {
  const first = await planUpgrade(engine, svc, target);
  if (!first.plan) return first;
  const plan = first.plan;
  const findings = [...first.findings, ...(await databaseFindings(engine, svc, plan))];
  if (plan.method === 'pg_upgrade') {
    // what our own SQL already named is not said twice
    const said = new Set(findings.map((f) => `${f.code}/${f.dbname ?? ''}`));
    for (const f of await pgUpgradeFindings(engine, svc, plan)) if (!said.has(`${f.code}/${f.dbname ?? ''}`)) findings.push(f);
  }
  return { findings, plan: blockers(findings).length ? null : plan };
}

/** A task as the API shows it: `success` absent while it runs. */
export function taskView(task: TaskRecord): Record<string, unknown> {
  return {
    id: task.id,
    'create-time': task.createdAt,
    'task-type': task.type,
    ...(task.success === null ? {} : { success: task.success }),
    result: task.success === null ? 'the check is running' : task.result,
    'result-codes': task.resultCodes,
  };
}

// POST /v2/dbaas-postgres/{service}/upgrade-check
export async function startUpgradeCheck(engine: Engine, name: string, target: string): Promise<Record<string, unknown>> {
  const svc = requireService(engine, name);
  const task = engine.tasks.insert(name, 'upgrade-check', { 'target-version': target, from: svc.major });
  await runCheckTask(engine, task.id, async () => {
    const { findings } = await checkUpgrade(engine, requireService(engine, name), target);
    const ok = blockers(findings).length === 0;
    const head = ok ? `PostgreSQL ${svc.major} → ${target}: no blockers` : `PostgreSQL ${svc.major} → ${target}: ${blockers(findings).length} blocker(s)`;
    return { success: ok, result: [head, describeFindings(findings)].filter(Boolean).join('\n'), codes: resultCodes(findings) };
  });
  return taskView(engine.tasks.get(task.id) as TaskRecord);
}

/** Tasks an engine stop cut off: they end as failed, so nobody waits on them forever. */
export function failInterruptedTasks(engine: Engine): void {
  for (const t of engine.tasks.unfinished()) engine.tasks.finish(t.id, false, 'interrupted by an engine restart: run the check again', [{ code: 'check-failed' }]);
}
