// What the running console refuses from outside: upstreams its operator did not
// allow or that do not speak the API (SSRF), oversized bodies, other hosts and
// origins; and the headers its pages carry. A loopback listener started here
// stands in for an internal service and counts what reaches it.
import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './fixtures';

const NEUTRAL = {
  message: 'the endpoint cannot be used: it is not allowed on this console, or it did not answer as the DBaaS API v2',
  code: 'unavailable',
};

type Answer = (res: ServerResponse) => void;

/** The stand-in internal service: records every request, answers as told. */
async function listen(port: number) {
  const seen: string[] = [];
  const state: { answer: Answer } = { answer: (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>internal admin</h1>') };
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    state.answer(res);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { seen, state, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const signIn = (request: APIRequestContext, origin: string, url: string) =>
  request.post('/api/session', { headers: { origin }, data: { key: 'EXOprobe', secret: 'whatever', endpoint: { kind: 'custom', url } } });

test('custom URLs the operator did not allow reach nothing, and read the same as any other refusal', async ({ request, stack }) => {
  const { listenPort: port } = stack.allowedUpstream;
  const target = await listen(port);
  try {
    for (const url of [
      `http://127.0.0.1:${port}/anything?x=/v2`,
      `http://127.0.0.1:${port}/anything#/v2`,
      `http://127.0.0.1:${port}/v2?x=1`,
      `http://user@127.0.0.1:${port}/v2`,
      `http://localhost:${port}/v2`,
      `http://127.0.0.1:${port}/other/v2`,
      `file:///etc/passwd#/v2`,
    ]) {
      const res = await signIn(request, stack.consoleUrl, url);
      expect([url, res.status(), await res.json()]).toEqual([url, 503, NEUTRAL]);
    }
    expect(target.seen).toEqual([]);
  } finally {
    await target.close();
  }
});

test('an allowed upstream that does not speak the API gets one signed GET and never a PUT or DELETE', async ({ request, stack }) => {
  const { listenPort: port, closedPort } = stack.allowedUpstream;
  const target = await listen(port);
  try {
    const answers: Record<string, Answer> = {
      'a redirect': (res) => res.writeHead(302, { location: `http://127.0.0.1:${port}/v2/landing` }).end(),
      'an HTML page': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>internal admin</h1>'),
      'JSON of another shape': (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"internal":"secret"}'),
    };
    for (const [what, answer] of Object.entries(answers)) {
      target.state.answer = answer;
      const res = await signIn(request, stack.consoleUrl, `http://127.0.0.1:${port}/v2`);
      expect([what, res.status(), await res.json()]).toEqual([what, 503, NEUTRAL]);
    }
    const closed = await signIn(request, stack.consoleUrl, `http://127.0.0.1:${closedPort}/v2`);
    expect([closed.status(), await closed.json()]).toEqual([503, NEUTRAL]);
    expect(target.seen).toEqual(['GET /v2/dbaas-service', 'GET /v2/dbaas-service', 'GET /v2/dbaas-service']);

    const services = await request.get('/api/services');
    expect([services.status(), await services.json()]).toEqual([403, { message: 'sign in first', code: 'forbidden' }]);
  } finally {
    await target.close();
  }
});

test('the sign-in form offers the allowed endpoints, and an upstream that stops speaking the API is never passed through', async ({ page, stack }) => {
  const { listenPort: port, closedPort } = stack.allowedUpstream;
  const target = await listen(port);
  try {
    // speaks the API at sign-in; then turns into something else
    target.state.answer = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"dbaas-services":[]}');
    await page.goto('/sign-in');
    await page.getByLabel('API key').fill('EXOprobe');
    await page.getByLabel('API secret').fill('whatever');
    await page.getByLabel('Endpoint').selectOption('custom');
    await expect(page.getByLabel('API URL').locator('option')).toHaveText([`http://127.0.0.1:${port}/v2`, `http://127.0.0.1:${closedPort}/v2`]);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/services$/);

    target.state.answer = (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>internal admin</h1>');
    const res = await page.request.get('/api/services');
    expect([res.status(), await res.json()]).toEqual([503, NEUTRAL]);
  } finally {
    await target.close();
  }
});

test('a body over 1 MiB is refused with the API 413 before it is parsed, announced or streamed', async ({ request, stack }) => {
  const big = await request.post('/api/session', { headers: { origin: stack.consoleUrl, 'content-type': 'application/json' }, data: ' '.repeat(5 * 1024 * 1024) });
  const tooLarge = { message: 'body: larger than 1048576 bytes', code: 'too-large', field: 'body' };
  expect([big.status(), await big.json()]).toEqual([413, tooLarge]);

  // chunked: no Content-Length to go by, so it is counted as it arrives
  const url = new URL(stack.consoleUrl);
  const chunked = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method: 'POST', path: '/api/session', headers: { origin: stack.consoleUrl, 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < 32 * 1024 * 1024 && !req.destroyed) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
  expect([chunked.status, JSON.parse(chunked.body)]).toEqual([413, tooLarge]);
});

test('requests for another Host, and mutations from another origin, are refused', async ({ stack }) => {
  const url = new URL(stack.consoleUrl);
  const send = (method: string, path: string, headers: Record<string, string>) =>
    new Promise<number | undefined>((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end(method === 'POST' ? '{}' : undefined);
    });
  const rebound = `rebind.example:${url.port}`;
  expect(await send('GET', '/sign-in', { host: url.host })).toBe(200);
  expect(await send('GET', '/sign-in', { host: rebound })).toBe(403);
  expect(await send('GET', '/api/services', { host: rebound })).toBe(403);
  expect(await send('POST', '/api/session', { host: rebound, origin: `http://${rebound}` })).toBe(403);
  // no proxy is trusted here: X-Forwarded-Host changes nothing
  expect(await send('GET', '/sign-in', { host: rebound, 'x-forwarded-host': url.host })).toBe(403);
  expect(await send('POST', '/api/session', { host: url.host, origin: `https://${url.host}` })).toBe(403);
});

test('pages carry a nonce-based Content-Security-Policy that forbids framing, and a Permissions-Policy', async ({ page, request }) => {
  const res = await request.get('/sign-in');
  const csp = res.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'(;|$)/);
  expect(csp).not.toContain('unsafe-eval');
  expect(res.headers()['permissions-policy']).toContain('camera=()');
  const again = (await request.get('/sign-in')).headers()['content-security-policy'];
  expect(again).not.toBe(csp);

  // the automatic fixture fails the test on any violation: the sign-in page and a page that does not exist render clean
  await page.goto('/sign-in');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  await page.goto('/no-such-page');
  await expect(page.getByText(/not found/i)).toBeVisible();
});
