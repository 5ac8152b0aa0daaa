import { describe, expect, it } from 'vitest';
import type { ActivityEntry } from '@/lib/schemas/activity';
import { describeActivity, outcomeOf, routeParams } from './describe';
import { activityFilters, utcTime } from './filters';

const entry = (route: string, path: string, body?: unknown) => ({ route, path, ...(body === undefined ? {} : { body }) });

describe('describeActivity', () => {
  it.each([
    [entry('PUT /v2/dbaas-postgres/:service/user/:username/password/reset', '/v2/dbaas-postgres/shop/user/app/password/reset', { password: '[redacted]' }), 'Reset password of app'],
    [entry('PUT /v2/dbaas-postgres/:name', '/v2/dbaas-postgres/shop', { 'pg-settings': { max_connections: 200 } }), 'Changed settings'],
    [entry('PUT /v2/dbaas-postgres/:name', '/v2/dbaas-postgres/shop', { plan: 'business-4', 'ip-filter': ['10.0.0.0/8'] }), 'Changed the plan to business-4 and changed the allowed addresses'],
    [entry('PUT /v2/dbaas-postgres/:name', '/v2/dbaas-postgres/shop', { 'termination-protection': false }), 'Turned termination protection off'],
    // a viewer gets no bodies: what the route says still reads
    [entry('PUT /v2/dbaas-postgres/:name', '/v2/dbaas-postgres/shop'), 'Changed the service'],
    [entry('POST /v2/dbaas-postgres/:service/user', '/v2/dbaas-postgres/shop/user'), 'Created a user'],
    [entry('POST /v2/dbaas-postgres/:service/user', '/v2/dbaas-postgres/shop/user', { username: 'app' }), 'Created user app'],
    [entry('DELETE /v2/dbaas-postgres/:service/database/:database', '/v2/dbaas-postgres/shop/database/old%20orders'), 'Deleted database old orders'],
    [entry('POST /v2/dbaas-postgres/:name', '/v2/dbaas-postgres/copy', { plan: 'hobbyist-2', 'fork-from-service': 'shop' }), 'Created service copy from a backup of shop'],
    [entry('POST /v2/dbaas-postgres/:name', '/v2/dbaas-postgres/ro', { plan: 'hobbyist-2', integrations: [{ type: 'read_replica', 'source-service': 'shop' }] }), 'Created read replica ro of shop'],
    [entry('PUT /v2/pgdeck/dbaas-postgres/:name/access', '/v2/pgdeck/dbaas-postgres/shop/access', { database: 'orders', username: 'app', level: 'read-write' }), 'Gave app read-write access to orders'],
    [entry('PUT /v2/pgdeck/dbaas-postgres/:name/access', '/v2/pgdeck/dbaas-postgres/shop/access', { database: 'orders', username: 'app', level: 'none' }), "Removed app's access to orders"],
    [entry('PUT /v2/dbaas-postgres/:service/user/:username/allow-replication', '/v2/dbaas-postgres/shop/user/app/allow-replication', { 'allow-replication': true }), 'Allowed replication for app'],
    // a route the table does not know reads as itself
    [entry('POST /v2/something-new/:id', '/v2/something-new/7'), 'POST /v2/something-new/:id'],
  ])('%j → %s', (e, expected) => {
    expect(describeActivity(e)).toBe(expected);
  });
});

describe('routeParams', () => {
  it('reads the named parts of the path, and nothing from a path of another shape', () => {
    expect(routeParams('DELETE /v2/dbaas-postgres/:service/user/:username', '/v2/dbaas-postgres/shop/user/a%2Fb')).toEqual({ service: 'shop', username: 'a/b' });
    expect(routeParams('DELETE /v2/dbaas-postgres/:service/user/:username', '/v2/dbaas-postgres/shop')).toEqual({});
  });
});

describe('outcomeOf', () => {
  const op = (state: 'pending' | 'success' | 'failure') => ({ id: 'op-1', command: 'update', state });
  it.each<[Pick<ActivityEntry, 'status' | 'operation'>, string, string]>([
    [{ status: 200, operation: op('success') }, 'green', '200 · succeeded'],
    [{ status: 200, operation: op('pending') }, 'amber', '200 · in progress'],
    [{ status: 200, operation: op('failure') }, 'red', '200 · operation failed'],
    [{ status: 200, operation: null }, 'green', '200 · done'],
    [{ status: 403, operation: null }, 'red', '403 · refused'],
    [{ status: 409, operation: null }, 'red', '409 · rejected'],
    [{ status: 500, operation: null }, 'red', '500 · error'],
    [{ status: null, operation: null }, 'amber', 'no answer'],
  ])('%j → %s %s', (e, tone, text) => {
    expect(outcomeOf(e)).toEqual({ tone, text });
  });
});

describe('activity filters', () => {
  it('reads a form time as UTC, keeps a zone given, and drops what is no time', () => {
    expect(utcTime('2026-12-03T10:00')).toBe('2026-12-03T10:00:00.000Z');
    expect(utcTime('2026-12-03T10:00:30+02:00')).toBe('2026-12-03T08:00:30.000Z');
    expect(utcTime('yesterday')).toBeUndefined();
    expect(utcTime('')).toBeUndefined();
  });

  it('turns the URL search into the API request, leaving out what is blank', () => {
    expect(activityFilters({ key: ' alice ', service: '', since: '2026-12-03T10:00', until: ['2026-12-04T00:00', 'x'] })).toEqual({
      values: { key: 'alice', service: '', since: '2026-12-03T10:00', until: '2026-12-04T00:00' },
      request: { limit: 50, key: 'alice', since: '2026-12-03T10:00:00.000Z', until: '2026-12-04T00:00:00.000Z' },
    });
    expect(activityFilters({}).request).toEqual({ limit: 50 });
  });
});
