// /v2/pgdeck/dbaas-postgres/{name}/access: database access without SQL (issue 16), an extension beside the contract.
import type { FastifyInstance } from 'fastify';
import { accessChangeSchema } from '@/lib/schemas/access';
import { serviceNameSchema } from '@/lib/schemas/common';
import { changeAccess, previewAccess, readAccess } from '../domain/access';
import type { Engine } from '../domain/engine';
import { EXTENSIONS_PREFIX } from './extensions';
import { addRoute } from './route';

export function accessRoutes(app: FastifyInstance, engine: Engine): void {
  const url = `${EXTENSIONS_PREFIX}/dbaas-postgres/:name/access`;
  const params = { name: serviceNameSchema };
  addRoute(app, engine, { method: 'GET', url, permission: 'read', params, handler: (ctx) => readAccess(engine, ctx.params.name) });
  // what a change would run, for the console's review: nothing changes, so it is no activity
  addRoute(app, engine, {
    method: 'POST', url: `${url}/preview`, permission: 'write', params, audit: false,
    handler: (ctx) => previewAccess(engine, ctx.params.name, ctx.body(accessChangeSchema)),
  });
  addRoute(app, engine, { method: 'PUT', url, permission: 'write', params, handler: (ctx) => changeAccess(engine, ctx.params.name, ctx.body(accessChangeSchema)) });
}
