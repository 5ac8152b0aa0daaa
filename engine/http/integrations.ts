// /v2/dbaas-integration*: read replicas, the one integration type this engine runs.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '@/lib/api-v2/errors';
import { postIntegrationSchema, putIntegrationSchema, READ_REPLICA, readReplicaSettingsSchema, readReplicaType } from '@/lib/schemas/integration';
import type { Engine } from '../domain/engine';
import { createIntegration, deleteIntegration, integrationView, requireIntegration } from '../domain/replicas';
import { runNow, withOperation } from '../domain/operations';
import { addRoute } from './route';

const id = { id: z.string().min(1).max(64) };

export function integrationRoutes(app: FastifyInstance, engine: Engine): void {
  addRoute(app, engine, {
    method: 'GET',
    url: '/v2/dbaas-integration-types',
    permission: 'read',
    handler: async () => ({ 'dbaas-integration-types': [readReplicaType] }),
  });

  addRoute(app, engine, {
    method: 'GET',
    url: '/v2/dbaas-integration-settings/:type/:source/:dest',
    permission: 'read',
    params: { type: z.string().max(64), source: z.string().max(64), dest: z.string().max(64) },
    handler: async (ctx) => {
      const { type, source, dest } = ctx.params;
      if (type !== READ_REPLICA || source !== 'pg' || dest !== 'pg') throw new ApiError('not-found', `no integration ${type} from ${source} to ${dest}: this engine runs read_replica from pg to pg`);
      return { settings: readReplicaSettingsSchema };
    },
  });

  addRoute(app, engine, {
    method: 'POST',
    url: '/v2/dbaas-integration',
    permission: 'write',
    handler: (ctx) => createIntegration(engine, ctx.body(postIntegrationSchema)),
  });

  addRoute(app, engine, {
    method: 'GET',
    url: '/v2/dbaas-integration/:id',
    permission: 'read',
    params: id,
    handler: async (ctx) => integrationView(requireIntegration(engine, ctx.params.id)),
  });

  // read_replica has no settings: `{}` changes nothing, and is answered as a finished operation
  addRoute(app, engine, {
    method: 'PUT',
    url: '/v2/dbaas-integration/:id',
    permission: 'write',
    params: id,
    handler: (ctx) => {
      ctx.body(putIntegrationSchema);
      const rec = requireIntegration(engine, ctx.params.id);
      return withOperation(engine, rec.dest, 'update-integration', { id: rec.id }, (op) => runNow(engine, op, async () => 'a read replica has no settings: nothing to change'));
    },
  });

  addRoute(app, engine, {
    method: 'DELETE',
    url: '/v2/dbaas-integration/:id',
    permission: 'write',
    params: id,
    handler: (ctx) => deleteIntegration(engine, ctx.params.id),
  });
}
