// The request body limit: refused from Content-Length unread, or cut off while
// streaming, always as the API's 413; what fits is parsed as JSON.
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, readJsonBody } from './body';

const CHUNK = 64 * 1024;

/** A body that streams `total` bytes (endless if Infinity) and counts how many chunks were pulled. */
function streamed(total: number, headers: Record<string, string> = {}) {
  const pulls = { count: 0, cancelled: false };
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulls.count++;
      if (sent >= total) return controller.close();
      const n = Math.min(CHUNK, total - sent);
      sent += n;
      controller.enqueue(new Uint8Array(n).fill(0x20));
    },
    cancel() {
      pulls.cancelled = true;
    },
  });
  const req = new Request('http://127.0.0.1:3000/api/session', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
  return { req, pulls };
}

const json = (text: string, headers: Record<string, string> = {}) =>
  new Request('http://127.0.0.1:3000/api/session', { method: 'POST', body: text, headers });

const tooLarge = expect.objectContaining({ status: 413, reason: 'too-large', field: 'body', message: `body: larger than ${MAX_BODY_BYTES} bytes` });

describe('readJsonBody', () => {
  it('refuses a body announced too large before reading a byte', async () => {
    const { req, pulls } = streamed(Infinity, { 'content-length': String(100 * 1024 * 1024) });
    await expect(readJsonBody(req)).rejects.toThrow(tooLarge);
    expect(pulls.count).toBeLessThanOrEqual(1);
  });

  it('cuts off a chunked body as soon as it passes the limit', async () => {
    const { req, pulls } = streamed(Infinity);
    await expect(readJsonBody(req)).rejects.toThrow(tooLarge);
    expect(pulls.cancelled).toBe(true);
    expect(pulls.count).toBeLessThanOrEqual(MAX_BODY_BYTES / CHUNK + 3);
  });

  it('cuts off a body longer than its Content-Length says', async () => {
    const { req } = streamed(MAX_BODY_BYTES + 1, { 'content-length': '10' });
    await expect(readJsonBody(req)).rejects.toThrow(tooLarge);
  });

  it('refuses a malformed Content-Length', async () => {
    await expect(readJsonBody(json('{}', { 'content-length': '-1' }))).rejects.toThrow(expect.objectContaining({ status: 400, field: 'body' }));
  });

  it('takes a body of exactly the limit', async () => {
    const text = `{"a":"${'x'.repeat(MAX_BODY_BYTES - 8)}"}`;
    expect(text.length).toBe(MAX_BODY_BYTES);
    await expect(readJsonBody(json(text))).resolves.toEqual({ a: 'x'.repeat(MAX_BODY_BYTES - 8) });
  });

  it.each([
    ['{"key":"EXO1"}', { key: 'EXO1' }],
    ['', {}],
    ['  ', {}],
  ])('parses %j', async (text, value) => {
    await expect(readJsonBody(json(text))).resolves.toEqual(value);
  });

  it.each(['{"key":', 'not json'])('refuses %j as invalid JSON with a 400 naming the body', async (text) => {
    await expect(readJsonBody(json(text))).rejects.toThrow(expect.objectContaining({ status: 400, field: 'body', message: 'body: not valid JSON' }));
  });
});
