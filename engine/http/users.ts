// /v2/dbaas-postgres/{service-name}/user
import type { FastifyInstance } from 'fastify';
import { serviceNameSchema, usernameSchema } from '@/lib/schemas/common';
import { allowReplicationSchema, createUserSchema, resetPasswordSchema } from '@/lib/schemas/user';
import type { Engine } from '../domain/engine';
import { createUser, deleteUser, resetPassword, revealPassword, setAllowReplication } from '../domain/users';
import { addRoute } from './route';

const params = { service: serviceNameSchema, username: usernameSchema };

export function userRoutes(app: FastifyInstance, engine: Engine): void {
  // POST /v2/dbaas-postgres/{service-name}/user – create a user
  addRoute(app, engine, {
    method: 'POST',
    url: '/v2/dbaas-postgres/:service/user',
    permission: 'write',
    params: { service: serviceNameSchema },
    handler: (ctx) => createUser(engine, ctx.params.service, ctx.body(createUserSchema)),
  });

  // DELETE /v2/dbaas-postgres/{service-name}/user/{username} – delete a user
  addRoute(app, engine, {
    method: 'DELETE',
    url: '/v2/dbaas-postgres/:service/user/:username',
    permission: 'write',
    params,
    handler: (ctx) => deleteUser(engine, ctx.params.service, ctx.params.username),
  });

  // GET /v2/dbaas-postgres/{service-name}/user/{username}/password/reveal – a user's password
  addRoute(app, engine, {
    method: 'GET',
    url: '/v2/dbaas-postgres/:service/user/:username/password/reveal',
    permission: 'reveal',
    params,
    handler: (ctx) => revealPassword(engine, ctx.params.service, ctx.params.username),
  });

  // PUT /v2/dbaas-postgres/{service-name}/user/{username}/password/reset – set or generate a password
  addRoute(app, engine, {
    method: 'PUT',
    url: '/v2/dbaas-postgres/:service/user/:username/password/reset',
    permission: 'write',
    params,
    handler: (ctx) => resetPassword(engine, ctx.params.service, ctx.params.username, ctx.body(resetPasswordSchema).password),
  });

  // PUT /v2/dbaas-postgres/{service-name}/user/{username}/allow-replication – replication right
  addRoute(app, engine, {
    method: 'PUT',
    url: '/v2/dbaas-postgres/:service/user/:username/allow-replication',
    permission: 'write',
    params,
    handler: (ctx) =>
      setAllowReplication(engine, ctx.params.service, ctx.params.username, ctx.body(allowReplicationSchema)['allow-replication']),
  });
}
