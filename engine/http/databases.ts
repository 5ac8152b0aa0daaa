// /v2/dbaas-postgres/{service-name}/database
import type { FastifyInstance } from 'fastify';
import { databaseNameSchema, serviceNameSchema } from '@/lib/schemas/common';
import { createDatabaseSchema } from '@/lib/schemas/database';
import { createDatabase, deleteDatabase } from '../domain/databases';
import type { Engine } from '../domain/engine';
import { addRoute } from './route';

export function databaseRoutes(app: FastifyInstance, engine: Engine): void {
  // POST /v2/dbaas-postgres/{service-name}/database – create a database
  addRoute(app, engine, {
    method: 'POST',
    url: '/v2/dbaas-postgres/:service/database',
    permission: 'write',
    params: { service: serviceNameSchema },
    handler: (ctx) => createDatabase(engine, ctx.params.service, ctx.body(createDatabaseSchema)),
  });

  // DELETE /v2/dbaas-postgres/{service-name}/database/{database-name} – delete a database
  addRoute(app, engine, {
    method: 'DELETE',
    url: '/v2/dbaas-postgres/:service/database/:database',
    permission: 'write',
    params: { service: serviceNameSchema, database: databaseNameSchema },
    handler: (ctx) => deleteDatabase(engine, ctx.params.service, ctx.params.database),
  });
}
