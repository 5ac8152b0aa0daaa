// /v2/pgdeck/*: what this engine offers beside the public contract, under one prefix the public zones never answer.
// GET /v2/pgdeck lists them, so a console finds out what its upstream has by asking once.
import type { FastifyInstance } from 'fastify';
import { serviceNameSchema } from '@/lib/schemas/common';
import { queryStatsRequestSchema } from '@/lib/schemas/query-stats';
import type { Engine } from '../domain/engine';
import { planChanges } from '../domain/plan-change';
import { queryStatistics } from '../domain/query-stats';
import { addRoute } from './route';

export const EXTENSIONS_PREFIX = '/v2/pgdeck';
export const EXTENSIONS = ['query-statistics', 'plan-changes'] as const;

export function extensionRoutes(app: FastifyInstance, engine: Engine): void {
  addRoute(app, engine, {
    method: 'GET',
    url: EXTENSIONS_PREFIX,
    permission: 'read',
    handler: async () => ({ extensions: [...EXTENSIONS] }),
  });

  addRoute(app, engine, {
    method: 'POST',
    url: `${EXTENSIONS_PREFIX}/dbaas-postgres/:name/query-statistics`,
    permission: 'read',
    params: { name: serviceNameSchema },
    handler: (ctx) => queryStatistics(engine, ctx.params.name, ctx.body(queryStatsRequestSchema)),
  });

  // what each other plan would change in the service, and whether the change would be refused
  addRoute(app, engine, {
    method: 'GET',
    url: `${EXTENSIONS_PREFIX}/dbaas-postgres/:name/plan-changes`,
    permission: 'read',
    params: { name: serviceNameSchema },
    handler: (ctx) => planChanges(engine, ctx.params.name),
  });
}
