// pgdeck-front: the failover relay. After a failover it holds the service's port (the one in its URI) and forwards
// each client connection to the new master, bytes untouched (TLS included: PostgreSQL's SSLRequest is in-protocol),
// letting in only the service's ip-filter. Run by the engine, detached, as the service's OS user, in `<svc>/front/`:
// `node pgdeck-front.mjs <dir>`. Reads <dir>/front.json, again on SIGHUP; writes front.pid once signals are handled
// and front.state after each change. Plain ESM without dependencies: it runs outside the engine and outlives it.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { BlockList, connect, createServer, isIP } from 'node:net';
import { join, resolve } from 'node:path';
import process from 'node:process';
import { clearTimeout, setInterval, setTimeout } from 'node:timers';

const dir = resolve(process.argv[2] ?? '.');
/** How long a client waits, unread, for a target (bound before the promotion ends). */
const HOLD_MS = 5000;
/** The fenced old master's port frees within milliseconds. */
const RETRY_MS = 100;
const LOG_EVERY_MS = 60_000;

let config = null;
/** The sha256 of the front.json in force: the engine waits for it in front.state after a SIGHUP. */
let applied = null;
let filter = new BlockList();
let server = null;
let serverKey = null;
let listening = false;
let since = new Date().toISOString();
let retryTimer = null;
let lastBindError = null;
const held = new Set();
const logged = new Map();

const log = (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);

/** One line per key per minute: a client retrying from outside the filter must not fill the disk. */
function logSometimes(key, line) {
  const now = Date.now();
  if (now - (logged.get(key) ?? -Infinity) < LOG_EVERY_MS) return;
  if (logged.size > 10_000) for (const [k, at] of logged) if (now - at >= LOG_EVERY_MS) logged.delete(k);
  logged.set(key, now);
  log(line);
}

/** The engine reads these while they change: never half a file. */
function writeAtomic(name, text) {
  const file = join(dir, name);
  writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

const writeState = () => writeAtomic('front.state', `${JSON.stringify({ listening, target: config?.target ?? null, since, config: applied })}\n`);

const isPort = (p) => Number.isInteger(p) && p > 0 && p < 65536;

function readConfig() {
  const text = readFileSync(join(dir, 'front.json'), 'utf8');
  const c = JSON.parse(text);
  const ok = typeof c.listen === 'boolean' && typeof c.host === 'string' && isPort(c.port)
    && (c.target === null || (typeof c.target?.host === 'string' && isPort(c.target.port)))
    && (c.source === null || typeof c.source === 'string')
    && Array.isArray(c.ipFilter) && c.ipFilter.every((e) => typeof e === 'string');
  if (!ok) throw new Error('front.json does not have the expected shape');
  const list = new BlockList();
  for (const entry of c.ipFilter) {
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix);
    if (!family || extra !== undefined || !Number.isInteger(bits)) throw new Error(`ip-filter entry "${entry}" is not a CIDR block`);
    list.addSubnet(address, bits, family === 4 ? 'ipv4' : 'ipv6');
  }
  return { c, list, hash: createHash('sha256').update(text).digest('hex') };
}

/** Applies a new configuration: the filter for new connections, the target for held and new ones, the listening socket. */
function apply(next, list, hash) {
  const retargeted = JSON.stringify(next.target) !== JSON.stringify(config?.target ?? null);
  config = next;
  filter = list;
  applied = hash;
  if (retargeted) since = new Date().toISOString();
  if (config.target) for (const h of held) release(h, config.target);
  bind();
  writeState();
}

function setListening(value) {
  if (listening === value) return;
  listening = value;
  since = new Date().toISOString();
  writeState();
}

function bind() {
  const key = config.listen ? JSON.stringify([config.host, config.port]) : null;
  if (key === serverKey) return;
  clearTimeout(retryTimer);
  // stops listening at once; connections already forwarded go on
  server?.close();
  server = null;
  serverKey = key;
  setListening(false);
  if (key) attempt();
}

function attempt() {
  const srv = createServer({ pauseOnConnect: true }, accept);
  server = srv;
  srv.on('error', (err) => {
    if (server !== srv) return;
    // accept failures (EMFILE): the socket stays bound
    if (listening) return logSometimes(`accept ${err.code}`, `accepting failed: ${err.message}`);
    if (err.code !== lastBindError) log(`cannot bind ${config.host}:${config.port} yet (${err.code ?? err.message}): retrying`);
    lastBindError = err.code;
    retryTimer = setTimeout(() => server === srv && attempt(), err.code === 'EADDRINUSE' ? RETRY_MS : 10 * RETRY_MS);
  });
  srv.listen({ host: config.host, port: config.port }, () => {
    if (server !== srv) return;
    lastBindError = null;
    log(`listening on ${config.host}:${config.port}`);
    setListening(true);
  });
}

const unwrap = (address) => (address?.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address);

function accept(client) {
  const address = unwrap(client.remoteAddress);
  const family = address ? isIP(address) : 0;
  if (!family || !filter.check(address, family === 4 ? 'ipv4' : 'ipv6')) {
    client.destroy();
    logSometimes(`refused ${address}`, `refused ${address ?? '(gone)'}: not in the ip-filter`);
    return;
  }
  client.on('error', () => client.destroy());
  if (config.target) forward(client, config.target);
  else hold(client);
}

/** Paused (pauseOnConnect): what the client sent stays in the kernel until a target takes it. */
function hold(client) {
  const h = { client, timer: setTimeout(() => held.delete(h) && client.destroy(), HOLD_MS) };
  held.add(h);
}

function release(h, target) {
  clearTimeout(h.timer);
  held.delete(h);
  if (!h.client.destroyed) forward(h.client, target);
}

function forward(client, target) {
  const upstream = connect({ host: target.host, port: target.port, localAddress: config.source ?? undefined });
  const end = () => {
    client.destroy();
    upstream.destroy();
  };
  for (const s of [client, upstream]) {
    s.setNoDelay(true);
    s.setKeepAlive(true, 30_000);
    s.on('close', end);
  }
  client.on('error', end);
  upstream.on('error', (err) => {
    logSometimes(`target ${err.code}`, `target ${target.host}:${target.port}: ${err.message}`);
    end();
  });
  client.pipe(upstream);
  upstream.pipe(client);
}

// Handlers first, front.pid last: once the engine sees the pid, a SIGHUP never kills the relay.
process.on('SIGHUP', () => {
  try {
    const { c, list, hash } = readConfig();
    apply(c, list, hash);
  } catch (err) {
    log(`front.json not applied, the previous configuration stays: ${err.message}`);
  }
});
process.on('SIGTERM', () => {
  server?.close();
  for (const h of held) h.client.destroy();
  listening = false;
  writeState();
  process.exit(0);
});

// parked, nothing else keeps the event loop alive: Node would exit
setInterval(() => undefined, 2 ** 30);

try {
  const { c, list, hash } = readConfig();
  writeState();
  writeAtomic('front.pid', `${process.pid}\n`);
  apply(c, list, hash);
} catch (err) {
  log(`cannot start: ${err.message}`);
  process.exit(1);
}
