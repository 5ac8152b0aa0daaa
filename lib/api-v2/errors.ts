// The one error type of the API: a stable reason (the API's own operation
// failure reasons), an HTTP status derived from it, and optionally the field
// at fault. The wire shape is {"message": ...} plus code/field/request-id.
import { z } from 'zod';
import { operationReasons } from '../schemas/operation';

/** The API's operation failure reasons, and `too-large` for a body over the limit (HTTP 413). */
export const reasons = [...operationReasons, 'too-large'] as const;
export type Reason = (typeof reasons)[number];

const statusByReason: Record<Reason, number> = {
  incorrect: 400,
  unsupported: 400,
  forbidden: 403,
  'not-found': 404,
  busy: 409,
  conflict: 409,
  'too-large': 413,
  fault: 500,
  interrupted: 500,
  partial: 500,
  unknown: 500,
  unavailable: 503,
};

export class ApiError extends Error {
  readonly reason: Reason;
  readonly field?: string;
  readonly status: number;

  constructor(reason: Reason, message: string, field?: string) {
    super(message);
    this.name = 'ApiError';
    this.reason = reason;
    this.field = field;
    this.status = statusByReason[reason];
  }

  toBody(requestId?: string): ErrorBody {
    return {
      message: this.message,
      code: this.reason,
      ...(this.field ? { field: this.field } : {}),
      ...(requestId ? { 'request-id': requestId } : {}),
    };
  }
}

/**
 * The one answer for an upstream the console cannot use: not allowed by the
 * operator, not reachable, too slow, redirecting, or answering anything but the
 * API's JSON. The same words for every case, so the console tells a visitor
 * nothing about what listens at an address.
 */
export const endpointUnusable = (): ApiError =>
  new ApiError('unavailable', 'the endpoint cannot be used: it is not allowed on this console, or it did not answer as the DBaaS API v2');

export const errorBodySchema = z.object({
  message: z.string(),
  code: z.string().optional(),
  field: z.string().optional(),
  'request-id': z.string().optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** The dotted path of a zod issue, e.g. `maintenance.dow` or `ip-filter[1]`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`))
    .join('');
}

/** Turns the first zod issue into a 400 that names the field and the reason. */
export function fromZodError(error: z.ZodError, prefix?: string): ApiError {
  const issue = error.issues[0];
  if (!issue) return new ApiError('incorrect', 'invalid request');
  let path = issuePath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    path = path ? `${path}.${key}` : key;
    const where = prefix ? `${prefix}${path}` : path;
    return new ApiError('incorrect', `${where}: unknown field`, where);
  }
  const where = prefix ? `${prefix}${path}` : path;
  return new ApiError('incorrect', where ? `${where}: ${issue.message}` : issue.message, where || undefined);
}

/** Maps an upstream API answer (status + body) to the one error type, keeping the upstream's message. */
export function fromUpstream(status: number, body: unknown): ApiError {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const message = typeof b.message === 'string' && b.message ? b.message : `the API answered HTTP ${status}`;
  const field = typeof b.field === 'string' ? b.field : undefined;
  const code = typeof b.code === 'string' && (reasons as readonly string[]).includes(b.code) ? (b.code as Reason) : undefined;
  const byStatus: Reason =
    status === 400 || status === 422 ? 'incorrect'
    : status === 401 || status === 403 ? 'forbidden'
    : status === 404 ? 'not-found'
    : status === 409 ? 'conflict'
    : status === 413 ? 'too-large'
    : status === 429 || status === 503 ? 'unavailable'
    : status >= 500 ? 'unavailable'
    : 'incorrect';
  // keep the upstream's code only when it agrees with the status class
  const reason = code && statusByReason[code] === statusByReason[byStatus] ? code : byStatus;
  return new ApiError(reason, message, field);
}
