// POST /v2/dbaas-task-migration-check/{service} – the pre-check of a migration into a service
// (the task it makes is read at GET /v2/dbaas-task/{service}/{id}, upgrades.ts).
import type { FastifyInstance } from 'fastify';
import { serviceNameSchema } from '@/lib/schemas/common';
import { migrationCheckSchema } from '@/lib/schemas/migration';
import type { Engine } from '../domain/engine';
import { startMigrationCheck } from '../domain/migration-check';
import { addRoute } from './route';

export function migrationCheckRoutes(app: FastifyInstance, engine: Engine): void {
  addRoute(app, engine, {
    method: 'POST',
    url: '/v2/dbaas-task-migration-check/:service',
    permission: 'write',
    params: { service: serviceNameSchema },
    handler: (ctx) => startMigrationCheck(engine, ctx.params.service, ctx.body(migrationCheckSchema)),
  });
}
