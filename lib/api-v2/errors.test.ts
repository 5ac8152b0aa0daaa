import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError, fromUpstream, fromZodError } from './errors';

describe('fromUpstream', () => {
  it.each([
    [400, { message: 'plan: unknown plan', code: 'incorrect', field: 'plan' }, 400, 'incorrect', 'plan: unknown plan', 'plan'],
    [400, { message: 'pg-settings: unsupported', code: 'unsupported', field: 'pg-settings' }, 400, 'unsupported', 'pg-settings: unsupported', 'pg-settings'],
    [403, { message: 'signature mismatch' }, 403, 'forbidden', 'signature mismatch', undefined],
    [404, { message: 'service x not found', code: 'not-found' }, 404, 'not-found', 'service x not found', undefined],
    [409, { message: 'busy with create', code: 'busy' }, 409, 'busy', 'busy with create', undefined],
    [409, { message: 'exists' }, 409, 'conflict', 'exists', undefined],
    [500, { message: 'internal error', code: 'fault' }, 503, 'unavailable', 'internal error', undefined],
    [502, 'Bad gateway', 503, 'unavailable', 'the API answered HTTP 502', undefined],
    [403, { message: 'x', code: 'not-found' }, 403, 'forbidden', 'x', undefined],
  ])('HTTP %i %j → %i %s', (status, body, outStatus, reason, message, field) => {
    const e = fromUpstream(status, body);
    expect(e).toBeInstanceOf(ApiError);
    expect([e.status, e.reason, e.message, e.field]).toEqual([outStatus, reason, message, field]);
  });
});

describe('fromZodError', () => {
  const schema = z.strictObject({ plan: z.string(), 'ip-filter': z.array(z.string().min(3)).optional(), maintenance: z.strictObject({ dow: z.enum(['monday']) }).optional() });
  it.each([
    [{}, 'plan'],
    [{ plan: 'x', 'ip-filter': ['ok!', 'no'] }, 'ip-filter[1]'],
    [{ plan: 'x', maintenance: { dow: 'sunday' } }, 'maintenance.dow'],
    [{ plan: 'x', extra: 1 }, 'extra'],
    [{ plan: 'x', maintenance: { dow: 'monday', at: 1 } }, 'maintenance.at'],
  ])('%j names %s', (input, field) => {
    const r = schema.safeParse(input);
    const e = fromZodError(r.error as z.ZodError);
    expect(e.status).toBe(400);
    expect(e.field).toBe(field);
    expect(e.message.startsWith(`${field}: `)).toBe(true);
  });
});
