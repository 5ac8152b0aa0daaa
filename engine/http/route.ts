// The one wrapper every engine route is written through: authenticate,
// check the role, parse and validate the body, answer JSON.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ApiError, fromZodError } from '@/lib/api-v2/errors';
import type { Engine } from '../domain/engine';
import { actorContext } from '../store/activity';
import type { ApiKey } from '../store/keys';
import { redactValue } from '../domain/logs';
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
  /** Kept in the activity (who did what): by default every route that needs more than `read` (a reveal too). */
  audit?: boolean;
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
      const serve = () => handle(engine, def, request, key, raw);
      // a request refused for its role is activity too: who tried what
      if (!(def.audit ?? def.permission !== 'read')) return send(reply, await serve());
      const pathParams = request.params as Record<string, string | undefined>;
      const body = redactedBody(raw);
      const activityId = engine.activity.record({
        keyName: key.name,
        keyRole: key.role,
        method: request.method,
        route: `${def.method} ${def.url}`,
        path: (request.raw.url ?? request.url).split('?')[0] ?? '',
        service: serviceOf(pathParams, body),
        body,
        client: request.ip,
      });
      if (activityId % 1000 === 0) engine.activity.prune();
      try {
        const result = await actorContext.run({ keyName: key.name, activityId }, serve);
        engine.activity.answered(activityId, 200, operationIdOf(result));
        return send(reply, result);
      } catch (err) {
        engine.activity.answered(activityId, statusOf(err), null);
        throw err;
      }
    },
  });
}

function send(reply: FastifyReply, result: unknown): FastifyReply {
  return reply.code(200).type('application/json').send(JSON.stringify(result ?? {}));
}

async function handle<P extends ParamSchemas>(engine: Engine, def: RouteDef<P>, request: FastifyRequest, key: ApiKey, raw: string): Promise<unknown> {
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
  return def.handler(ctx);
}

/** The service a request is about: its path names it (`:service` or `:name`), or a read replica's body does. */
function serviceOf(pathParams: Record<string, string | undefined>, body: unknown): string | null {
  const named = pathParams.service ?? pathParams.name;
  if (named !== undefined) return named;
  const dest = (body as { 'dest-service'?: unknown } | undefined)?.['dest-service'];
  return typeof dest === 'string' ? dest : null;
}

/** The status the error handler (app.ts) answers for this error. */
function statusOf(err: unknown): number {
  if (err instanceof ApiError) return err.status;
  const status = (err as { statusCode?: number }).statusCode;
  return status && status >= 400 && status < 500 ? status : 500;
}

/** The operation an answer started: the public contract's Operation shape (`id` and `state`). */
function operationIdOf(result: unknown): string | null {
  if (typeof result !== 'object' || result === null) return null;
  const { id, state } = result as { id?: unknown; state?: unknown };
  return typeof id === 'string' && typeof state === 'string' && ['pending', 'success', 'failure'].includes(state) ? id : null;
}

/** The body as kept in the activity: every password and secret redacted; a body that is not JSON, as its size only. */
function redactedBody(raw: string): unknown {
  if (raw.trim() === '') return undefined;
  try {
    return redactValue(JSON.parse(raw));
  } catch {
    return { unparsed: `${Buffer.byteLength(raw)} bytes, not JSON` };
  }
}
