// /v2/dbaas-postgres/{name} and /v2/dbaas-service
import type { FastifyInstance } from 'fastify';
import { serviceNameSchema } from '@/lib/schemas/common';
import { createServiceSchema, unsupportedServiceFields, updateServiceSchema } from '@/lib/schemas/service';
import type { Engine } from '../domain/engine';
import { requireService } from '../domain/lookup';
import { updatesView } from '../domain/maintenance-updates';
import { createService, deleteService, updateService } from '../domain/services';
import { commonView, serviceView } from '../domain/views';
import { requirePermission } from './auth';
import { addRoute } from './route';

const name = { name: serviceNameSchema };

export function serviceRoutes(app: FastifyInstance, engine: Engine): void {
  // GET /v2/dbaas-service – every service
  addRoute(app, engine, {
    method: 'GET',
    url: '/v2/dbaas-service',
    permission: 'read',
    handler: () => ({ 'dbaas-services': engine.services.list().map((s) => commonView(engine, s)) }),
  });

  // POST /v2/dbaas-postgres/{name} – create a service
  addRoute(app, engine, {
    method: 'POST',
    url: '/v2/dbaas-postgres/:name',
    permission: 'write',
    params: name,
    handler: (ctx) => {
      const body = ctx.body(createServiceSchema, unsupportedServiceFields);
      if (body['termination-protection']) requirePermission(ctx.key, 'termination-protection');
      return createService(engine, ctx.params.name, body);
    },
  });

  // GET /v2/dbaas-postgres/{name} – a service
  addRoute(app, engine, {
    method: 'GET',
    url: '/v2/dbaas-postgres/:name',
    permission: 'read',
    params: name,
    handler: async (ctx) => {
      const updates = await updatesView(engine, requireService(engine, ctx.params.name));
      // read again: the servers were asked meanwhile
      return serviceView(engine, requireService(engine, ctx.params.name), ctx.can('reveal'), updates);
    },
  });

  // PUT /v2/dbaas-postgres/{name} – update a service
  addRoute(app, engine, {
    method: 'PUT',
    url: '/v2/dbaas-postgres/:name',
    permission: 'write',
    params: name,
    handler: (ctx) => {
      const body = ctx.body(updateServiceSchema, unsupportedServiceFields);
      if (body['termination-protection'] !== undefined) requirePermission(ctx.key, 'termination-protection');
      return updateService(engine, ctx.params.name, body);
    },
  });

  // DELETE /v2/dbaas-postgres/{name} and DELETE /v2/dbaas-service/{name} – delete a service
  for (const url of ['/v2/dbaas-postgres/:name', '/v2/dbaas-service/:name']) {
    addRoute(app, engine, {
      method: 'DELETE',
      url,
      permission: 'delete-service',
      params: name,
      handler: (ctx) => deleteService(engine, ctx.params.name),
    });
  }
}
