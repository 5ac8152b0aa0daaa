// /v2/dbaas-postgres/{service-name}/connection-pool
import type { FastifyInstance } from 'fastify';
import { serviceNameSchema } from '@/lib/schemas/common';
import { createPoolSchema, poolNameSchema, updatePoolSchema } from '@/lib/schemas/pool';
import type { Engine } from '../domain/engine';
import { createPool, deletePool, updatePool } from '../domain/pools';
import { addRoute } from './route';

export function poolRoutes(app: FastifyInstance, engine: Engine): void {
  // POST /v2/dbaas-postgres/{service-name}/connection-pool – create a pool
  addRoute(app, engine, {
    method: 'POST',
    url: '/v2/dbaas-postgres/:service/connection-pool',
    permission: 'write',
    params: { service: serviceNameSchema },
    handler: (ctx) => createPool(engine, ctx.params.service, ctx.body(createPoolSchema)),
  });

  // PUT /v2/dbaas-postgres/{service-name}/connection-pool/{connection-pool-name} – change a pool
  addRoute(app, engine, {
    method: 'PUT',
    url: '/v2/dbaas-postgres/:service/connection-pool/:pool',
    permission: 'write',
    params: { service: serviceNameSchema, pool: poolNameSchema },
    handler: (ctx) => updatePool(engine, ctx.params.service, ctx.params.pool, ctx.body(updatePoolSchema)),
  });

  // DELETE /v2/dbaas-postgres/{service-name}/connection-pool/{connection-pool-name} – delete a pool
  addRoute(app, engine, {
    method: 'DELETE',
    url: '/v2/dbaas-postgres/:service/connection-pool/:pool',
    permission: 'write',
    params: { service: serviceNameSchema, pool: poolNameSchema },
    handler: (ctx) => deletePool(engine, ctx.params.service, ctx.params.pool),
  });
}
