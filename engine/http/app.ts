// build(): the engine's HTTP server, without listening, so tests can inject
// requests in-process and main.ts can listen on a port.
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { ApiError } from '@/lib/api-v2/errors';
import type { Engine } from '../domain/engine';
import { databaseRoutes } from './databases';
import { maintenanceRoutes } from './maintenance';
import { metaRoutes } from './meta';
import { metricsRoutes } from './metrics';
import { accessRoutes } from './access';
import { extensionRoutes } from './extensions';
import { integrationRoutes } from './integrations';
import { logRoutes } from './logs';
import { migrationCheckRoutes } from './migration-check';
import { poolRoutes } from './pools';
import { serviceRoutes } from './services';
import { migrationRoutes } from './migrations';
import { prometheusRoutes } from './prometheus';
import { upgradeRoutes } from './upgrades';
import { settingsRoutes } from './settings';
import { userRoutes } from './users';

export const BODY_LIMIT_BYTES = 1024 * 1024;
/**
 * Node refuses request heads over 16 KiB, so no path parameter reaches this:
 * every parameter gets to its route, whose schema names it (`name: must be
 * at most 63 characters`) instead of Fastify answering 414 in its own shape.
 */
const MAX_PARAM_LENGTH = 16 * 1024;

export function build(engine: Engine, opts: { log?: (line: string) => void } = {}): FastifyInstance {
  const log = opts.log ?? ((line: string) => console.log(line));
  const app = Fastify({
    bodyLimit: BODY_LIMIT_BYTES,
    logger: false,
    genReqId: () => crypto.randomUUID(),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
  });

  // The signature covers the body byte for byte, so it is kept as text and parsed after verification.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  // One line per request; never a header, a body or a query string.
  app.addHook('onResponse', async (request, reply) => {
    const path = (request.raw.url ?? '').split('?')[0];
    log(`${request.method} ${path} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)}ms key=${request.apiKey?.name ?? '-'}`);
  });

  app.setErrorHandler((err: FastifyError | ApiError, request, reply) => {
    if (err instanceof ApiError) return reply.code(err.status).send(err.toBody());
    const status = (err as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      const message = status === 413 ? `body: larger than ${BODY_LIMIT_BYTES} bytes` : err.message;
      return reply.code(status).send({ message, code: status === 413 ? 'too-large' : 'incorrect' });
    }
    console.error(`request ${request.id} failed: ${err.stack ?? err.message}`);
    return reply.code(500).send({ message: 'internal error', code: 'fault', 'request-id': request.id });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ message: `no such endpoint: ${request.method} ${(request.raw.url ?? '').split('?')[0]}`, code: 'not-found' });
  });

  for (const routes of [metaRoutes, serviceRoutes, databaseRoutes, userRoutes, poolRoutes, settingsRoutes, maintenanceRoutes, upgradeRoutes, migrationCheckRoutes, migrationRoutes, integrationRoutes, logRoutes, extensionRoutes, accessRoutes]) routes(app, engine);
  metricsRoutes(app, engine);
  prometheusRoutes(app, engine);
  return app;
}
