// Request bodies of the console's route handlers: at most MAX_BODY_BYTES,
// refused from Content-Length before a byte is read, and counted as they
// stream in otherwise, so an oversized body is cut off, never held whole.
import 'server-only';
import { ApiError } from '@/lib/api-v2/errors';
import { readCapped, SizeLimitError } from '@/lib/api-v2/read-capped';

/** The engine's limit too: nothing the console forwards is larger. */
export const MAX_BODY_BYTES = 1024 * 1024;

const tooLarge = (limit: number) => new ApiError('too-large', `body: larger than ${limit} bytes`, 'body');

/** Refuses a body announced larger than the limit. Enough for a route that reads no body: it is never read. */
export function checkDeclaredLength(req: Request, limit = MAX_BODY_BYTES): void {
  const declared = req.headers.get('content-length');
  if (declared === null) return;
  if (!/^\d+$/.test(declared.trim())) throw new ApiError('incorrect', 'body: invalid Content-Length', 'body');
  if (Number(declared) > limit) throw tooLarge(limit);
}

/** The body as JSON (an empty body is `{}`), read within the limit. */
export async function readJsonBody(req: Request, limit = MAX_BODY_BYTES): Promise<unknown> {
  checkDeclaredLength(req, limit);
  let bytes: Uint8Array;
  try {
    bytes = await readCapped(req.body, limit);
  } catch (err) {
    if (err instanceof SizeLimitError) throw tooLarge(limit);
    throw new ApiError('incorrect', 'body: could not be read', 'body');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError('incorrect', 'body: not valid UTF-8', 'body');
  }
  try {
    return text.trim() ? (JSON.parse(text) as unknown) : {};
  } catch {
    throw new ApiError('incorrect', 'body: not valid JSON', 'body');
  }
}
