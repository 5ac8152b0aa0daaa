// /v2/dbaas-postgres/{name}/maintenance/start
import type { FastifyInstance } from 'fastify';
import { serviceNameSchema } from '@/lib/schemas/common';
import type { Engine } from '../domain/engine';
import { startMaintenance } from '../domain/maintenance';
import { addRoute } from './route';

export function maintenanceRoutes(app: FastifyInstance, engine: Engine): void {
  // PUT /v2/dbaas-postgres/{name}/maintenance/start – apply the pending updates now
  addRoute(app, engine, {
    method: 'PUT',
    url: '/v2/dbaas-postgres/:name/maintenance/start',
    permission: 'write',
    params: { name: serviceNameSchema },
    handler: (ctx) => startMaintenance(engine, ctx.params.name),
  });
}
