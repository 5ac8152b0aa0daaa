// Zone, service types, CA certificate and operations.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '@/lib/api-v2/errors';
import type { ServiceType } from '@/lib/schemas/service-type';
import type { Engine } from '../domain/engine';
import { toApiOperation } from '../domain/operations';
import { planToApi, plans } from '../domain/plans';
import { addRoute } from './route';

/** The shape the console reads it with (lib/schemas/service-type.ts). */
function serviceType(engine: Engine): ServiceType {
  const versions = [...engine.binaries.keys()].sort((a, b) => Number(a) - Number(b));
  return {
    name: 'pg',
    description: 'PostgreSQL on this machine: real PostgreSQL processes run by the pgdeck engine',
    'available-versions': versions,
    'default-version': versions.at(-1) ?? '',
    plans: plans.map((p) => planToApi(p, engine.config.zone)),
  };
}

export function metaRoutes(app: FastifyInstance, engine: Engine): void {
  // GET /v2/zone – the one zone, pointing back at this engine
  addRoute(app, engine, {
    method: 'GET',
    url: '/v2/zone',
    permission: 'read',
    handler: () => ({ zones: [{ name: engine.config.zone, 'api-endpoint': engine.config.publicUrl }] }),
  });

  // GET /v2/dbaas-service-type – service types
  addRoute(app, engine, {
    method: 'GET',
    url: '/v2/dbaas-service-type',
    permission: 'read',
    handler: () => ({ 'dbaas-service-types': [serviceType(engine)] }),
  });

  // GET /v2/dbaas-service-type/{service-type-name} – one service type
  addRoute(app, engine, {
    method: 'GET',
    url: '/v2/dbaas-service-type/:type',
    permission: 'read',
    params: { type: z.string().max(63, 'must be at most 63 characters') },
    handler: ({ params }) => {
      if (params.type !== 'pg') throw new ApiError('not-found', `service type ${params.type} not found: this engine offers pg`);
      return serviceType(engine);
    },
  });

  // GET /v2/dbaas-ca-certificate – the CA every instance's certificate comes from
  addRoute(app, engine, {
    method: 'GET',
    url: '/v2/dbaas-ca-certificate',
    permission: 'read',
    handler: () => ({ certificate: engine.ca.cert }),
  });

  // GET /v2/operation/{id} – state of an operation
  addRoute(app, engine, {
    method: 'GET',
    url: '/v2/operation/:id',
    permission: 'read',
    params: { id: z.uuid('must be an operation id (UUID)') },
    handler: ({ params }) => {
      const op = engine.operations.get(params.id);
      if (!op) throw new ApiError('not-found', `operation ${params.id} not found`);
      return toApiOperation(op, engine);
    },
  });
}
