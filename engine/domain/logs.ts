// A service's logs (POST /v2/dbaas-service-logs/{name}): every line of each node's PostgreSQL log and of its
// PgBouncer's, read from the files those processes write and kept in logs.db (engine/store/logs.ts), where a line's
// id is its offset. PostgreSQL's logging collector rotates its own files (LOG_ROTATION_SIZE); the engine rotates
// PgBouncer's (rename, then SIGHUP: PgBouncer 1.18 closes its logfile on reload and opens it anew at its next line). A file is read from where the last
// look stopped, so a line is taken once; a file no process writes any more is deleted once it is read to its end.
// Lines are read when the endpoint is asked and every few seconds in the background, so the files stay small and
// logs.db holds at most config.logCapBytes of messages per service (32 MiB unless --log-cap-mib), the oldest dropped first.
import { closeSync, existsSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import type { ServiceLogs, ServiceLogsRequest } from '@/lib/schemas/logs';
import { logFiles, paths } from '../runtime/instance';
import { bouncerPaths } from '../runtime/pgbouncer';
import { signal } from '../runtime/process';
import type { LogLine, SourcePosition } from '../store/logs';
import type { ServiceRecord } from '../store/services';
import type { Engine } from './engine';
import { requireService } from './lookup';

/** PgBouncer's log is renamed to pgbouncer.log.1 past this size (PostgreSQL's collector rotates at 10MB too). */
export const BOUNCER_ROTATE_BYTES = 10 * 1024 * 1024;
/** Read per file per look: a backlog (an engine that was down) is taken over several looks. */
const READ_BYTES = 4 * 1024 * 1024;
/** A longer message (a huge statement) is cut, and says so. */
const MESSAGE_MAX = 16 * 1024;

interface Source {
  file: string;
  node: string;
  unit: LogLine['unit'];
  /** Still written to by its process: kept; otherwise deleted once read to its end. */
  live: boolean;
}

function sources(engine: Engine, svc: ServiceRecord): Source[] {
  const out: Source[] = [];
  for (const node of engine.nodes.list(svc.name)) {
    const root = engine.nodeRoot(svc, node);
    const files = logFiles(root);
    const newest = files.filter((f) => f !== paths(root).log).at(-1);
    // postgres.log gets what the postmaster says before its collector starts, at every start: never deleted
    for (const file of files) out.push({ file, node: node.name, unit: 'postgresql', live: file === paths(root).log || file === newest });
  }
  const bouncer = bouncerPaths(engine.serviceRoot(svc)).log;
  const near = engine.nodes.master(svc.name)?.name ?? svc.name;
  // PgBouncer writes to the renamed file until it has handled the SIGHUP (its "got SIGHUP" line lands there), and
  // opens pgbouncer.log again at its next line: until then the old one is still written to
  out.push({ file: `${bouncer}.1`, node: near, unit: 'pgbouncer', live: !existsSync(bouncer) }, { file: bouncer, node: near, unit: 'pgbouncer', live: true });
  return out;
}

const fileIdOf = (st: { ino: number; birthtimeMs: number }): string => `${st.ino}:${st.birthtimeMs}`;

/** `2026-12-02 21:34:19.123 UTC` at the start of a line (PostgreSQL's %m, PgBouncer's own), as ISO 8601. */
const STAMP = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?) (UTC|GMT)\b/;

/**
 * What no log line the engine passes on may hold: a password in SQL (`PASSWORD '…'`, as a statement logged by
 * log_min_duration_statement or an error's STATEMENT line would show it), in a connection string or URI, or a
 * password verifier (SCRAM or md5).
 */
export function redactSecrets(message: string): string {
  // most lines have none of these: one cheap test instead of five replacements
  if (!/password|scram|md5|:\/\//i.test(message)) return message;
  return message
    // only a quoted literal: "password authentication failed" is a sentence, not a secret
    .replace(/(\bPASSWORD\s+)(?:E?'(?:[^'\\]|''|\\.)*'?|\$([A-Za-z_]*)\$[\s\S]*?(?:\$\2\$|$))/gi, "$1'[redacted]'")
    .replace(/\b(password\s*=\s*)(?:'+(?:[^'\\]|\\.)*'*|[^\s'"]+)/gi, '$1[redacted]')
    .replace(/SCRAM-SHA-256\$[^\s'";,)]+/g, 'SCRAM-SHA-256$[redacted]')
    .replace(/\bmd5[0-9a-f]{32}\b/g, 'md5[redacted]')
    .replace(/\b([a-z][a-z0-9+.-]{0,30}:\/\/[^:@/\s]*):[^@\s]*@/gi, '$1:[redacted]@');
}

const SECRET_FIELD = /pass(word|phrase)|secret|token|private.?key|credential|authorization/i;

/**
 * A request body as the activity keeps it: the value of every field named like a secret replaced, and every string
 * passed through `redactSecrets` (a URI or connection string with its password in it).
 */
export function redactValue(value: unknown, field = ''): unknown {
  if (field && SECRET_FIELD.test(field) && value !== null && value !== undefined && value !== '') return '[redacted]';
  if (typeof value === 'string') return redactSecrets(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, k)]));
  }
  return value;
}

/** Lines of text as entries: a line starting with a tab continues the one before it (a multi-line statement). */
export function parseLines(text: string, node: string, unit: LogLine['unit'], fallbackTime: string): LogLine[] {
  const out: LogLine[] = [];
  let time = fallbackTime;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const last = out.at(-1);
    if (line.startsWith('\t') && last) {
      last.message += `\n${line}`;
      continue;
    }
    const m = STAMP.exec(line);
    if (m) time = `${m[1]}T${m[2]}Z`;
    out.push({ time, node, unit, message: line });
  }
  for (const l of out) {
    l.message = redactSecrets(l.message);
    if (Buffer.byteLength(l.message) > MESSAGE_MAX) l.message = `${Buffer.from(l.message).subarray(0, MESSAGE_MAX).toString('utf8')}… [cut at ${MESSAGE_MAX} bytes]`;
  }
  return out;
}

function readAt(file: string, from: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    const n = readSync(fd, buf, 0, length, from);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Reads what the service's processes logged since the last look into logs.db. Synchronous: two looks never interleave. */
export function ingestLogs(engine: Engine, svc: ServiceRecord): void {
  const known = engine.logs.positions(svc.id);
  const lines: LogLine[] = [];
  const moved: SourcePosition[] = [];
  const done: string[] = [];
  for (const src of sources(engine, svc)) {
    let st;
    try {
      st = statSync(src.file);
    } catch {
      if (known.has(src.file)) engine.logs.dropSource(svc.id, src.file);
      continue;
    }
    const fileId = fileIdOf(st);
    const k = known.get(src.file);
    // another file in its place, or one cut shorter: read from its start
    let position = k && k.fileId === fileId && k.position <= st.size ? k.position : 0;
    if (position < st.size) {
      const chunk = readAt(src.file, position, Math.min(READ_BYTES, st.size - position));
      // a line still being written waits for the next look, unless nothing will finish it
      const end = src.live ? chunk.lastIndexOf(0x0a) + 1 : chunk.length;
      if (end > 0) {
        lines.push(...parseLines(chunk.subarray(0, end).toString('utf8'), src.node, src.unit, new Date(st.mtimeMs).toISOString()));
        position += end;
        moved.push({ file: src.file, fileId, position });
      }
    } else if (!k || k.fileId !== fileId) {
      moved.push({ file: src.file, fileId, position });
    }
    if (!src.live && position >= st.size) done.push(src.file);
  }
  // one look's lines from every file, by their time (stable: a file's own order stays)
  lines.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  if (moved.length) engine.logs.append(svc.id, lines, moved, engine.config.logCapBytes);
  // read to its end and written no more: gone, after its lines are stored
  for (const file of done) {
    rmSync(file, { force: true });
    engine.logs.dropSource(svc.id, file);
  }
  rotateBouncerLog(engine, svc);
}

/** PgBouncer's log, once read to its end past BOUNCER_ROTATE_BYTES: renamed to .1 (read on), and PgBouncer reopens. */
function rotateBouncerLog(engine: Engine, svc: ServiceRecord): void {
  const p = bouncerPaths(engine.serviceRoot(svc));
  let st;
  try {
    st = statSync(p.log);
  } catch {
    return;
  }
  const at = engine.logs.positions(svc.id).get(p.log);
  if (st.size < BOUNCER_ROTATE_BYTES || at?.position !== st.size || at.fileId !== fileIdOf(st)) return;
  try {
    statSync(`${p.log}.1`);
    return; // the last one is not read yet
  } catch {
    // free
  }
  renameSync(p.log, `${p.log}.1`);
  // lines written between the last look and the reopen are in .1, after where the last look stopped
  engine.logs.append(svc.id, [], [{ file: `${p.log}.1`, fileId: fileIdOf(st), position: st.size }], engine.config.logCapBytes);
  engine.logs.dropSource(svc.id, p.log);
  try {
    const pid = Number.parseInt(readFileSync(p.pid, 'utf8'), 10);
    if (pid > 0) signal(pid, 'SIGHUP');
  } catch {
    // not running: it opens pgbouncer.log afresh when it starts
  }
}

/** The logs endpoint: pages by id, newest first unless asked otherwise. */
export function serviceLogs(engine: Engine, name: string, req: ServiceLogsRequest): ServiceLogs {
  const svc = requireService(engine, name);
  ingestLogs(engine, svc);
  const order = req['sort-order'] ?? 'desc';
  const rows = engine.logs.page(svc.id, order, req.limit ?? 100, req.offset === undefined ? null : Number(req.offset));
  const first = rows[0];
  const last = rows.at(-1);
  return {
    logs: rows.map(({ time, message, node, unit }) => ({ time, message, node, unit })),
    ...(last ? { offset: String(last.id) } : req.offset !== undefined ? { offset: req.offset } : {}),
    ...(first ? { 'first-log-offset': String(first.id) } : {}),
  };
}
