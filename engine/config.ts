// Engine settings from the command line and the environment, with defaults.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface EngineConfig {
  dataDir: string;
  listenHost: string;
  listenPort: number;
  zone: string;
  /** Base URL clients use to reach this engine, ending in /v2. */
  publicUrl: string;
  /** Address PostgreSQL listens on and the host in connection URIs. */
  pgHost: string;
  pgPortBase: number;
  /** OS user that runs postgres when the engine runs as root. */
  runAsUser: string;
  /** Log lines kept per service in logs.db, in bytes of messages (--log-cap-mib, PGDECK_LOG_CAP_MIB; 32 MiB). */
  logCapBytes: number;
  /** Where each service's metrics are served in Prometheus' text format (--prometheus-listen; the API's port + 1). */
  prometheusHost: string;
  prometheusPort: number;
  /** How often every service is sampled for its metrics (--metrics-interval SECONDS, PGDECK_METRICS_INTERVAL; 10 s). */
  metricsIntervalMs: number;
}

export function defaultDataDir(): string {
  if (process.getuid?.() === 0) return '/var/lib/pgdeck';
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'pgdeck');
}

function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = Number(m?.[3]);
  if (!m || port > 65535) throw new Error(`invalid listen address "${text}": expected HOST:PORT, e.g. 127.0.0.1:8079`);
  return { host: m[1] ?? m[2] ?? '127.0.0.1', port };
}

function metricsInterval(text: string): number {
  const s = Number(text);
  if (!Number.isFinite(s) || s < 1 || s > 3600) throw new Error(`invalid metrics interval "${text}": expected seconds from 1 to 3600`);
  return Math.round(s * 1000);
}

function logCap(text: string): number {
  const mib = Number(text);
  if (!Number.isInteger(mib) || mib < 1 || mib > 65536) throw new Error(`invalid log cap "${text}": expected MiB from 1 to 65536`);
  return mib * 1024 * 1024;
}

export function loadConfig(args: string[], env: NodeJS.ProcessEnv = process.env): EngineConfig {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}"`);
    const [name, inline] = a.slice(2).split('=', 2);
    const value = inline ?? args[++i];
    if (!name || value === undefined) throw new Error(`--${name} needs a value`);
    flags.set(name, value);
  }
  for (const name of flags.keys()) {
    if (!['listen', 'data', 'zone', 'public-url', 'pg-host', 'pg-port-base', 'log-cap-mib', 'metrics-interval', 'prometheus-listen'].includes(name)) throw new Error(`unknown option --${name}`);
  }
  const listen = parseListen(flags.get('listen') ?? env.PGDECK_ENGINE_LISTEN ?? '127.0.0.1:8079');
  // beside the API: its port + 1 (an API on a kernel-chosen port, as in tests, gets one for Prometheus too)
  const prometheus = parseListen(flags.get('prometheus-listen') ?? env.PGDECK_PROMETHEUS_LISTEN
    ?? `${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${listen.port === 0 ? 0 : listen.port + 1}`);
  const urlHost = listen.host.includes(':') ? `[${listen.host}]` : listen.host === '0.0.0.0' ? '127.0.0.1' : listen.host;
  return {
    dataDir: resolve(flags.get('data') ?? env.PGDECK_DATA ?? defaultDataDir()),
    listenHost: listen.host,
    listenPort: listen.port,
    zone: flags.get('zone') ?? env.PGDECK_ZONE ?? 'local',
    publicUrl: (flags.get('public-url') ?? env.PGDECK_PUBLIC_URL ?? `http://${urlHost}:${listen.port}/v2`).replace(/\/$/, ''),
    pgHost: flags.get('pg-host') ?? env.PGDECK_PG_HOST ?? '127.0.0.1',
    pgPortBase: Number(flags.get('pg-port-base') ?? env.PGDECK_PG_PORT_BASE ?? 25432),
    runAsUser: env.PGDECK_RUN_AS ?? 'pgdeck',
    logCapBytes: logCap(flags.get('log-cap-mib') ?? env.PGDECK_LOG_CAP_MIB ?? '32'),
    prometheusHost: prometheus.host,
    prometheusPort: prometheus.port,
    metricsIntervalMs: metricsInterval(flags.get('metrics-interval') ?? env.PGDECK_METRICS_INTERVAL ?? '10'),
  };
}
