// POST /v2/dbaas-postgres/{service}/upgrade-check and GET /v2/dbaas-task/{service}/{id}.
// The upgrade itself is PUT /v2/dbaas-postgres/{name} with `version` (services.ts).
import type { FastifyInstance } from 'fastify';
import { ApiError } from '@/lib/api-v2/errors';
import { serviceNameSchema } from '@/lib/schemas/common';
import { taskIdSchema, upgradeCheckSchema } from '@/lib/schemas/task';
import type { Engine } from '../domain/engine';
import { requireService } from '../domain/lookup';
import { startUpgradeCheck, taskView } from '../domain/upgrade-check';
import { addRoute } from './route';

export function upgradeRoutes(app: FastifyInstance, engine: Engine): void {
  addRoute(app, engine, {
    method: 'POST',
    url: '/v2/dbaas-postgres/:service/upgrade-check',
    permission: 'write',
    params: { service: serviceNameSchema },
    handler: (ctx) => startUpgradeCheck(engine, ctx.params.service, ctx.body(upgradeCheckSchema)['target-version']),
  });

  addRoute(app, engine, {
    method: 'GET',
    url: '/v2/dbaas-task/:service/:id',
    permission: 'read',
    params: { service: serviceNameSchema, id: taskIdSchema },
    handler: (ctx) => {
      requireService(engine, ctx.params.service);
      const task = engine.tasks.get(ctx.params.id);
      if (!task || task.service !== ctx.params.service) throw new ApiError('not-found', `task ${ctx.params.id} of service ${ctx.params.service} not found`);
      return taskView(task);
    },
  });
}
