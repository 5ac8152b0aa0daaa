// Only the API's own answers get through from an upstream: every other answer,
// and no answer at all, is the same neutral error. Against a real loopback listener.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { callUpstream, verifyUpstream } from './upstream';

type Answer = (res: ServerResponse) => void;
let answer: Answer = () => undefined;
const seen: string[] = [];
let server: Server;
let base = '';

const json = (status: number, body: unknown, type = 'application/json'): Answer => (res) => {
  res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
};

beforeAll(async () => {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  server = createServer((req: IncomingMessage, res) => {
    seen.push(`${req.method} ${req.url}`);
    answer(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const creds = () => ({ baseUrl: base, key: 'EXOtest', secret: 'secret' });
const neutral = expect.objectContaining({ status: 503, reason: 'unavailable', message: expect.stringMatching(/^the endpoint cannot be used/) });

describe('verifyUpstream', () => {
  it.each<[string, Answer]>([
    ['a redirect', (res) => res.writeHead(302, { location: '/v2/elsewhere' }).end()],
    ['an HTML page', (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>internal admin</html>')],
    ['an HTML error page', (res) => res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>oops</h1>')],
    ['JSON of another shape', json(200, { status: 'ok', secrets: ['x'] })],
    ['a JSON array', json(200, [1, 2])],
    ['a service list that is not JSON by its type', json(200, { 'dbaas-services': [] }, 'text/plain')],
    ['an error without a message', json(404, { error: 'not here' })],
    ['a 201', json(201, { 'dbaas-services': [] })],
  ])('refuses %s with the neutral error and follows nothing', async (_what, a) => {
    answer = a;
    seen.length = 0;
    await expect(verifyUpstream(creds())).rejects.toThrow(neutral);
    expect(seen).toEqual(['GET /v2/dbaas-service']);
  });

  it('refuses a closed port with the same neutral error', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(verifyUpstream({ ...creds(), baseUrl: `http://127.0.0.1:${port}/v2` })).rejects.toThrow(neutral);
  });

  it('reports the API refusing the key, with its message, on the secret', async () => {
    answer = json(403, { message: 'unknown or revoked API key' });
    await expect(verifyUpstream(creds())).rejects.toThrow(
      expect.objectContaining({ status: 403, field: 'secret', message: 'the endpoint refused this key: unknown or revoked API key' }),
    );
  });

  it('accepts the API service list', async () => {
    answer = json(200, { 'dbaas-services': [{ name: 'alpha', type: 'pg' }] });
    await expect(verifyUpstream(creds())).resolves.toEqual(creds());
  });
});

describe('callUpstream', () => {
  it('maps an API error to the one error type', async () => {
    answer = json(404, { message: 'service x not found', code: 'not-found' });
    await expect(callUpstream(creds(), 'GET', '/dbaas-postgres/x')).rejects.toThrow(expect.objectContaining({ status: 404, message: 'service x not found' }));
  });

  it('never passes a foreign answer through', async () => {
    answer = (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>internal admin</html>');
    await expect(callUpstream(creds(), 'GET', '/dbaas-service')).rejects.toThrow(neutral);
  });
});
