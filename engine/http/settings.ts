// /v2/dbaas-settings-pg
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../domain/engine';
import { settingsDocument } from '../settings/catalog';
import { addRoute } from './route';

export function settingsRoutes(app: FastifyInstance, engine: Engine): void {
  // GET /v2/dbaas-settings-pg – the JSON Schema of pg, pgbouncer, pglookout and timescaledb settings
  addRoute(app, engine, {
    method: 'GET',
    url: '/v2/dbaas-settings-pg',
    permission: 'read',
    handler: () => settingsDocument(engine.settings),
  });
}
