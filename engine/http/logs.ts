// POST /v2/dbaas-service-logs/{service-name}: a page of the service's PostgreSQL and PgBouncer log lines.
import type { FastifyInstance } from 'fastify';
import { serviceNameSchema } from '@/lib/schemas/common';
import { serviceLogsRequestSchema } from '@/lib/schemas/logs';
import type { Engine } from '../domain/engine';
import { serviceLogs } from '../domain/logs';
import { addRoute } from './route';

export function logRoutes(app: FastifyInstance, engine: Engine): void {
  addRoute(app, engine, {
    method: 'POST',
    url: '/v2/dbaas-service-logs/:name',
    permission: 'read',
    params: { name: serviceNameSchema },
    handler: (ctx) => serviceLogs(engine, ctx.params.name, ctx.body(serviceLogsRequestSchema)),
  });
}
