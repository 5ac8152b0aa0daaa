// Each service's metrics in Prometheus' text exposition format (0.0.4), on one listener beside the API
// (config.prometheusHost:prometheusPort, the `prometheus-uri` every service shows), so a Prometheus server scrapes
// them unchanged: GET /metrics with HTTP basic auth, the service's name as the user and its admin password (the one
// in its URI) as the password; the answer holds that service's latest sample of every series, one gauge per series
// with a `service`, `node` and `role` label per column. Started when the API is ready, closed with it.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../domain/engine';
import { serviceMetrics } from '../domain/metrics';

/** A label value as the text format wants it: backslash, double quote and line feed escaped. */
const labelValue = (v: string): string => v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
/** HELP text: backslash and line feed escaped. */
const helpText = (v: string): string => v.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');

/** The service's latest sample as exposition text; names are `pgdeck_<series>`. */
export function exposition(engine: Engine, service: string): string {
  const lines: string[] = [];
  for (const [key, series] of Object.entries(serviceMetrics(engine, service, 'hour').metrics)) {
    const last = series.data.rows.at(-1);
    if (!last) continue;
    const name = `pgdeck_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`;
    const ms = Date.parse(last[0]);
    lines.push(`# HELP ${name} ${helpText(`${series.hints.title}${series.hints.unit ? ` (${series.hints.unit})` : ''}`)}`, `# TYPE ${name} gauge`);
    series.data.cols.slice(1).forEach((col, i) => {
      const v = last[i + 1];
      if (typeof v !== 'number' || !Number.isFinite(v)) return;
      // "svc-1 (master)": a node and its role; "pgbouncer" alone
      const m = /^(.*) \(([^)]+)\)$/.exec(col.label);
      const labels = [`service="${labelValue(service)}"`, `node="${labelValue(m?.[1] ?? col.label)}"`, ...(m ? [`role="${labelValue(m[2] ?? '')}"`] : [])];
      lines.push(`${name}{${labels.join(',')}} ${v} ${ms}`);
    });
  }
  return `${lines.join('\n')}\n`;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** The service the request's basic auth names, when its password is that service's admin password; else null. */
function authorized(engine: Engine, req: IncomingMessage): string | null {
  const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '');
  if (!m) return null;
  const text = Buffer.from(m[1] ?? '', 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  const [user, password] = [text.slice(0, colon), text.slice(colon + 1)];
  const svc = engine.services.get(user);
  const admin = svc ? engine.services.users(svc.name).find((u) => u.type === 'primary') : undefined;
  // compared in constant time, also when there is no such service
  const expected = admin ? engine.box.unseal(admin.passwordSealed) : `no such service ${Math.random()}`;
  return timingSafeEqual(digest(password), digest(expected)) && svc ? svc.name : null;
}

export function prometheusRoutes(app: FastifyInstance, engine: Engine): void {
  let server: Server | null = null;
  app.addHook('onReady', async () => {
    const srv = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
        return;
      }
      const service = authorized(engine, req);
      if (!service) {
        res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Basic realm="pgdeck metrics"' })
          .end('the service name and its admin password, as basic auth\n');
        return;
      }
      try {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(exposition(engine, service));
      } catch (err) {
        console.error(`prometheus: ${service}: ${(err as Error).message}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error\n');
      }
    });
    const listening = await new Promise<boolean>((resolve) => {
      srv.once('error', (err: Error) => {
        // the API serves without it; the services show an empty prometheus-uri
        console.error(`prometheus: cannot listen on ${engine.config.prometheusHost}:${engine.config.prometheusPort}: ${err.message}`);
        resolve(false);
      });
      srv.listen({ host: engine.config.prometheusHost, port: engine.config.prometheusPort }, () => resolve(true));
    });
    if (!listening) return;
    server = srv;
    const address = srv.address();
    if (address && typeof address === 'object') engine.prometheus = { host: engine.config.prometheusHost === '0.0.0.0' ? '127.0.0.1' : engine.config.prometheusHost, port: address.port };
  });
  app.addHook('onClose', async () => {
    engine.prometheus = null;
    const srv = server;
    if (!srv) return;
    // a scraper keeps its connection open: closed with the server
    srv.closeAllConnections();
    await new Promise<void>((resolve) => srv.close(() => resolve()));
  });
}
