// GET /v2/dbaas-migration-status/{name} and POST /v2/dbaas-postgres/{name}/migration/stop.
// A migration starts with `migration` on create or PUT /v2/dbaas-postgres/{name} (services.ts);
// its pre-check is POST /v2/dbaas-task-migration-check/{service} (migration-check.ts).
import type { FastifyInstance } from 'fastify';
import { serviceNameSchema } from '@/lib/schemas/common';
import type { Engine } from '../domain/engine';
import { migrationStatusView, stopMigration } from '../domain/migrations';
import { addRoute } from './route';

export function migrationRoutes(app: FastifyInstance, engine: Engine): void {
  const name = { name: serviceNameSchema };

  addRoute(app, engine, {
    method: 'GET',
    url: '/v2/dbaas-migration-status/:name',
    permission: 'read',
    params: name,
    handler: (ctx) => migrationStatusView(engine, ctx.params.name),
  });

  addRoute(app, engine, {
    method: 'POST',
    url: '/v2/dbaas-postgres/:name/migration/stop',
    permission: 'write',
    params: name,
    handler: (ctx) => stopMigration(engine, ctx.params.name),
  });
}
