// /v2/pgdeck/*: what this engine offers beside the public contract, under one prefix the public zones never answer.
// GET /v2/pgdeck lists them, so a console finds out what its upstream has by asking once.
import type { FastifyInstance } from 'fastify';
import { serviceNameSchema } from '@/lib/schemas/common';
import { activityRequestSchema, settingsHistoryRequestSchema } from '@/lib/schemas/activity';
import { queryStatsRequestSchema } from '@/lib/schemas/query-stats';
import type { Engine } from '../domain/engine';
import { requireService } from '../domain/lookup';
import { planChanges } from '../domain/plan-change';
import { queryStatistics } from '../domain/query-stats';
import { rights as RIGHTS } from '@/lib/schemas/session';
import { addRoute } from './route';

export const EXTENSIONS_PREFIX = '/v2/pgdeck';
export const EXTENSIONS = ['query-statistics', 'activity', 'settings-history', 'database-access', 'plan-changes', 'key-rights'] as const;

export function extensionRoutes(app: FastifyInstance, engine: Engine): void {
  addRoute(app, engine, {
    method: 'GET',
    url: EXTENSIONS_PREFIX,
    permission: 'read',
    handler: async () => ({ extensions: [...EXTENSIONS] }),
  });

  // the calling key as the engine knows it: what its role allows beyond reading (a console signing in asks here
  // rather than probing each right with a refused request, which the activity would keep)
  addRoute(app, engine, {
    method: 'GET',
    url: `${EXTENSIONS_PREFIX}/key`,
    permission: 'read',
    handler: (ctx) => ({ name: ctx.key.name, role: ctx.key.role, rights: RIGHTS.filter((r) => ctx.can(r)) }),
  });

  addRoute(app, engine, {
    method: 'POST',
    url: `${EXTENSIONS_PREFIX}/dbaas-postgres/:name/query-statistics`,
    permission: 'read',
    params: { name: serviceNameSchema },
    handler: (ctx) => queryStatistics(engine, ctx.params.name, ctx.body(queryStatsRequestSchema)),
  });

  // every mutating request, newest first; a viewer sees who did what, not the bodies
  addRoute(app, engine, {
    method: 'POST',
    url: `${EXTENSIONS_PREFIX}/activity`,
    permission: 'read',
    handler: (ctx) => {
      const { entries, next } = engine.activity.list(ctx.body(activityRequestSchema), ctx.can('write'));
      return { activity: entries, ...(next !== undefined ? { next } : {}) };
    },
  });

  addRoute(app, engine, {
    method: 'POST',
    url: `${EXTENSIONS_PREFIX}/dbaas-postgres/:name/settings-history`,
    permission: 'read',
    params: { name: serviceNameSchema },
    handler: (ctx) => {
      const svc = requireService(engine, ctx.params.name);
      const q = ctx.body(settingsHistoryRequestSchema);
      return engine.activity.history(svc.id, q.limit, q.before);
    },
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
