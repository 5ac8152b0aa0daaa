// The one wrapper every engine route is written through: authenticate,
// check the role, parse and validate the body, answer JSON.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ApiError, fromZodError } from '@/lib/api-v2/errors';
import type { Engine } from '../domain/engine';
import type { ApiKey } from '../store/keys';
import { authenticate, can, requirePermission, type Permission } from './auth';

/** Validators for path parameters, by name (the `:name` in the URL). */
type ParamSchemas = Record<string, z.ZodType<string>>;

export interface RouteContext<P extends ParamSchemas = ParamSchemas> {
  engine: Engine;
  key: ApiKey;
  /** The path parameters, each checked by its validator. */
  params: { [K in keyof P]: string };
  can(permission: Permission): boolean;
  /** The JSON body validated by `schema`; `{}` when there is none. */
  body<T extends z.ZodType>(schema: T, reject?: readonly string[]): z.infer<T>;
}

export interface RouteDef<P extends ParamSchemas> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  permission: Permission;
  /** Every `:name` of the URL, with its validator. */
  params?: P;
  handler(ctx: RouteContext<P>): Promise<unknown> | unknown;
}

declare module 'fastify' {
  interface FastifyRequest {
    apiKey?: ApiKey;
  }
}

function parseJson(raw: string, reject: readonly string[]): unknown {
  if (raw.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ApiError('incorrect', 'body: not valid JSON', 'body');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError('incorrect', 'body: must be a JSON object', 'body');
  }
  for (const field of reject) {
    if (field in value) throw new ApiError('unsupported', `${field}: unsupported by this engine yet`, field);
  }
  return value;
}

export function addRoute<P extends ParamSchemas = Record<never, z.ZodType<string>>>(app: FastifyInstance, engine: Engine, def: RouteDef<P>): void {
  app.route({
    method: def.method,
    url: def.url,
    handler: async (request: FastifyRequest, reply) => {
      const raw = typeof request.body === 'string' ? request.body : '';
      const key = authenticate(engine.keys, {
        method: request.method,
        url: request.raw.url ?? request.url,
        authorization: request.headers.authorization,
        body: raw,
      });
      request.apiKey = key;
      requirePermission(key, def.permission);
      const pathParams = request.params as Record<string, string | undefined>;
      const params: Record<string, string> = {};
      for (const [name, schema] of Object.entries(def.params ?? {})) {
        const r = schema.safeParse(pathParams[name]);
        if (!r.success) throw fromZodError(r.error, name);
        params[name] = r.data;
      }
      const ctx: RouteContext<P> = {
        engine,
        key,
        params: params as RouteContext<P>['params'],
        can: (p) => can(key.role, p),
        body: (schema, reject = []) => {
          const r = schema.safeParse(parseJson(raw, reject));
          if (!r.success) throw fromZodError(r.error);
          return r.data;
        },
      };
      const result = await def.handler(ctx);
      return reply.code(200).type('application/json').send(JSON.stringify(result ?? {}));
    },
  });
}
